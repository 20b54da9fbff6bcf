"""The PDFs of the procedure (reportlab): the receipt of an application, a Nota van
Inlichtingen and the decision letter with its objection route. Each is written once, when the
event happens, and stored: what the provider received is what stays on file."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from zorgregio.common.money import format_eurocents

from .models import LineOutcome
from .rules import fmt_date, fmt_moment


def _p(text) -> str:
    return escape(str(text)).replace("\n", "<br/>")


class _Document:
    """A portrait A4 document with the region in the header and page numbers."""

    def __init__(self, title: str, region: str):
        from reportlab.lib.styles import getSampleStyleSheet

        self.title, self.region = title, region
        self.styles = getSampleStyleSheet()
        self.story = []
        self.heading(title, "Title")

    def heading(self, text: str, style: str = "Heading2") -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_p(text), self.styles[style]))

    def para(self, text: str, *, raw: bool = False) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(text if raw else _p(text), self.styles["BodyText"]))

    def facts(self, rows) -> None:
        self.table([[label, value] for label, value in rows], widths=[50, 120], header=False)

    def table(self, rows, widths, header: bool = True) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        small = self.styles["BodyText"].clone("small", fontSize=8.5, leading=10.5)
        cells = [[Paragraph(_p(cell), small) for cell in row] for row in rows]
        table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        style = [
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f3")))
        table.setStyle(TableStyle(style))
        self.story += [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]

    def build(self) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        region, title = self.region, self.title

        def page(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(18 * mm, 287 * mm, f"{region} · {title}")
            canvas.drawRightString(192 * mm, 10 * mm, _("page %(n)s") % {"n": doc.page})
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=title,
            author=f"zorgregio · {region}",
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
        )
        doc.build(self.story, onFirstPage=page, onLaterPages=page)
        return buffer.getvalue()


def _answer_text(requirement, answer) -> str:
    if answer is None:
        return "–"
    if answer.yes is not None:
        return _("yes") if answer.yes else _("no")
    if answer.value is not None:
        number = format(answer.value.normalize(), "f").replace(".", ",")
        return f"{number} {requirement.unit}".strip()
    if answer.choice:
        return answer.choice
    if answer.text:
        return answer.text
    return _("declared") if answer.declared else "–"


def receipt_pdf(application) -> bytes:
    """The receipt: what was submitted when, with the checksum of every file."""
    from .rules import applicable_requirements

    with translation.override(settings.LANGUAGE_CODE):
        procedure, provider = application.procedure, application.provider
        doc = _Document(_("Receipt of an application"), procedure.region.name)
        doc.facts(
            [
                (_("Procedure"), procedure.title),
                (_("Application"), application.number),
                (_("Provider"), provider.name),
                (_("KvK number"), provider.kvk_number),
                (_("AGB code"), provider.agb_code or "–"),
                (_("Received at"), fmt_moment(application.submitted_at)),
                (
                    _("Submitted by"),
                    application.submitted_by.get_full_name() or application.submitted_by.username
                    if application.submitted_by
                    else "–",
                ),
                (_("Applies"), application.get_participation_display()),
                (
                    _("Turnover last financial year"),
                    format_eurocents(application.turnover_cents)
                    if application.turnover_cents is not None
                    else "–",
                ),
            ]
        )
        parties = list(application.parties.all())
        if parties:
            doc.heading(_("Members and subcontractors"))
            doc.table(
                [[_("Name"), _("KvK number"), _("Kind")]]
                + [[p.name, p.kvk_number, p.get_kind_display()] for p in parties],
                widths=[80, 30, 60],
            )
        doc.heading(_("Products and municipalities applied for"))
        rows = [[_("Product"), _("Municipality")]]
        for line in application.lines.select_related("product__group", "municipality"):
            rows.append([line.product.label, line.municipality.name])
        doc.table(rows, widths=[110, 60])
        doc.heading(_("Answers"))
        answers = {a.requirement_id: a for a in application.answers.all()}
        rows = [[_("Number"), _("Requirement"), _("Answer")]]
        for requirement in applicable_requirements(application):
            rows.append(
                [
                    requirement.code,
                    requirement.text,
                    _answer_text(requirement, answers.get(requirement.pk)),
                ]
            )
        doc.table(rows, widths=[18, 102, 50])
        files = list(application.evidence_files.select_related("requirement", "party"))
        if files:
            doc.heading(_("Evidence"))
            rows = [[_("Number"), _("File"), _("Dated"), _("SHA-256")]]
            for f in files:
                owner = f" ({f.party.name})" if f.party else ""
                rows.append(
                    [f.requirement.code, f.file_name + owner, fmt_date(f.issued_on), f.sha256]
                )
            doc.table(rows, widths=[16, 62, 22, 70])
        doc.para(
            _(
                "This receipt proves that the application was received in time. A submitted "
                "application cannot be changed; the regional team may ask for additional evidence."
            )
        )
        return doc.build()


def nota_pdf(nota, questions) -> bytes:
    """A Nota van Inlichtingen: the questions as published (without the askers) and answers."""
    with translation.override(settings.LANGUAGE_CODE):
        procedure = nota.procedure
        doc = _Document(
            _("Nota van Inlichtingen %(number)s") % {"number": nota.number}, procedure.region.name
        )
        doc.facts(
            [
                (_("Procedure"), procedure.title),
                (_("Published at"), fmt_moment(nota.published_at)),
                (
                    _("Questions"),
                    f"{questions[0].number} – {questions[-1].number}" if questions else "–",
                ),
            ]
        )
        if nota.intro:
            doc.para(nota.intro)
        doc.para(
            _(
                "The questions are published without the names of those who asked them. The "
                "answers form part of the procedure documents and apply to every provider."
            )
        )
        for question in questions:
            about = f" ({question.reference})" if question.reference else ""
            doc.heading(
                _("Question %(number)s%(about)s") % {"number": question.number, "about": about},
                "Heading3",
            )
            doc.para(question.public_text or question.text)
            doc.para(f"<b>{_p(_('Answer'))}:</b> {_p(question.answer)}", raw=True)
        return doc.build()


def decision_letter_pdf(decision) -> bytes:
    """The decision letter: the outcome per product group and municipality, the motivation
    drawn from the verdicts, and the objection route of the model document (par. 4.8)."""
    with translation.override(settings.LANGUAGE_CODE):
        application = decision.application
        procedure, provider = application.procedure, application.provider
        doc = _Document(_("Decision on your application"), procedure.region.name)
        doc.facts(
            [
                (_("Addressed to"), f"{provider.name}, {_('attn.')} {application.contact_name}"),
                (_("Date"), fmt_date(decision.decided_on)),
                (_("Our reference"), f"{application.number}/{decision.number}"),
                (_("Procedure"), procedure.title),
                (_("Application received on"), fmt_date(application.received_on)),
            ]
        )
        doc.para(
            _(
                "The assessment committee assessed your application in three steps: the "
                "exclusion grounds, the suitability requirements and the acceptance of the "
                "performance requirements, each requirement by at least two assessors. This is "
                "the proposed decision (voorgenomen besluit) per product group and municipality."
            )
        )
        rows = [[_("Product group"), _("Municipality"), _("Products"), _("Outcome"), _("From")]]
        lines = list(
            decision.lines.select_related("product_group", "municipality").prefetch_related(
                "products"
            )
        )
        for line in lines:
            rows.append(
                [
                    str(line.product_group),
                    line.municipality.name,
                    ", ".join(p.name for p in line.products.all()),
                    line.get_outcome_display(),
                    fmt_date(line.start_date) if line.start_date else "–",
                ]
            )
        doc.table(rows, widths=[36, 28, 56, 24, 26])
        doc.heading(_("Motivation"))
        doc.para(decision.motivation)
        for line in lines:
            if line.outcome == LineOutcome.REFUSED:
                where = f"{_p(line.product_group)}, {_p(line.municipality.name)}"
                doc.para(f"<b>{where}:</b> {_p(line.motivation)}", raw=True)
        doc.heading(_("When the decision becomes final"))
        doc.para(
            _(
                "This decision becomes final after %(until)s unless you object before the end of "
                "that day. The admissions decided then start on the dates above and appear in the "
                "contract register. A proposed decision is not yet an acceptance."
            )
            % {"until": fmt_date(decision.objection_until)}
        )
        doc.heading(_("Objection and legal remedies"))
        court = procedure.court or _("the competent court")
        doc.para(
            _(
                "Complaint: if you do not agree, submit a complaint in zorgregio (your "
                "application, 'Objection') until %(until)s. The regional team lets you know "
                "within six weeks whether the complaint is well-founded, unfounded or "
                "inadmissible."
            )
            % {"until": fmt_date(decision.objection_until)}
        )
        doc.para(
            _(
                "Geschillencommissie Sociaal Domein: after your complaint has been handled you "
                "may put it to the Geschillencommissie Sociaal Domein when it is (partly) "
                "declared unfounded or inadmissible, no amicable solution was found and both "
                "parties agree to its binding advice."
            )
        )
        doc.para(
            _(
                "Kort geding: you may start summary proceedings (kort geding) at %(court)s within "
                "20 calendar days after this decision was made known. After that term the right "
                "to object and to compensation lapses."
            )
            % {"court": court}
        )
        signer = decision.decided_by
        doc.para(
            _p(
                _("On behalf of the municipalities of %(region)s, the regional team")
                % {"region": procedure.region.name}
            )
            + (f"<br/>{_p(signer.get_full_name() or signer.username)}" if signer else ""),
            raw=True,
        )
        doc.para(_("Written on %(moment)s.") % {"moment": fmt_moment(timezone.now())})
        return doc.build()


def text_pdf(title: str, region: str, paragraphs) -> bytes:
    """A plain document of headed paragraphs (the demo's procedure documents)."""
    doc = _Document(title, region)
    for heading, text in paragraphs:
        if heading:
            doc.heading(heading)
        doc.para(text)
    return doc.build()
