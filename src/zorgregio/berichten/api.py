"""Read API of the message archive: per file the verdict on the message and its lines, with the
rule codes and retourcodes (the structure of ``zorgregio import --format json``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from zorgregio.accounts.permissions import HasRole
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from . import selectors
from .models import MessageFile
from .verdicts import file_verdict


class RuleSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Rule code (TR, CD, CS; ZR for own checks; XSD).")
    retourcode = serializers.CharField(help_text="Retourcode (WJ001, or an own ZR code).")
    text = serializers.CharField(help_text="What the rule says (Dutch).")
    row = serializers.IntegerField(required=False, allow_null=True, help_text="Line in the file.")


class MessageVerdictSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Message type, e.g. JW323.")
    identificatie = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["accepted", "refused"])
    rules = RuleSerializer(many=True, help_text="The rule that refused the message.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Dutch remarks.")


class LineVerdictSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Line in the file, when known.")
    kind = serializers.CharField(help_text="Message class, e.g. Prestatie.")
    reference = serializers.CharField(help_text="ReferentieNummer of a declaration line.")
    verdict = serializers.ChoiceField(choices=["refused"])
    rules = RuleSerializer(many=True)


class CountsSerializer(serializers.Serializer):
    lines = serializers.IntegerField()
    refused = serializers.IntegerField()


class FileVerdictSerializer(serializers.Serializer):
    name = serializers.CharField()
    file_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="verwerkt, afgekeurd, in_behandeling or ontvangen.")
    duplicate = serializers.BooleanField()
    message = MessageVerdictSerializer()
    lines = LineVerdictSerializer(
        many=True, help_text="The refused lines; the lines not listed were accepted."
    )
    counts = CountsSerializer()


class MessageFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageFile
        fields = [
            "id",
            "name",
            "message_type",
            "status",
            "received_at",
            "processed_at",
            "item_count",
            "rejected_count",
        ]


class MessageFileViewSet(viewsets.ReadOnlyModelViewSet):
    """Message files the caller may see; a file's detail is its verdict per message and line."""

    serializer_class = MessageFileSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        return selectors.message_files(self.request.user).order_by("-received_at", "-pk")

    @extend_schema(responses=FileVerdictSerializer)
    def retrieve(self, request, *args, **kwargs):
        message_file = self.get_object()
        declaraties = selectors.declaraties(request.user)
        audit_log(actor=request.user, action=AuditAction.VIEW, obj=message_file,
                  message="verdict")  # fmt: skip
        return Response(file_verdict(message_file, declaraties=declaraties))


def register(router) -> None:
    router.register("berichten", MessageFileViewSet, basename="messagefile")
