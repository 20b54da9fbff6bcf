"""Background work: finalising the decisions whose objection period is over.

The ``finalise_decisions`` command does the same; a scheduler (cron) runs either daily. The
pages also finalise what is due when someone opens an application, so nothing waits for a
schedule that was not set up.
"""

from django_tasks import task


@task()
def finalise_due_decisions() -> int:
    from .services import decisions_finalise_due

    done, _failed = decisions_finalise_due()
    return len(done)
