"""Read API of the admission procedure: procedures and the published answers (public, like
the public page), and applications and decisions (the regional team and the applicant only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from zorgregio.accounts.permissions import HasRole
from zorgregio.accounts.scoping import scope_for

from . import selectors
from .models import (
    Application,
    ApplicationLine,
    ApplicationWindow,
    Decision,
    DecisionLine,
    EntryWindow,
    Lot,
    Procedure,
    ProcedureDocument,
    Question,
    Threshold,
)


class ProcedureLotSerializer(serializers.ModelSerializer):
    product_group_code = serializers.CharField(source="product_group.code")
    product_group_name = serializers.CharField(source="product_group.name")
    product_codes = serializers.SerializerMethodField()

    class Meta:
        model = Lot
        fields = ["number", "product_group_code", "product_group_name", "product_codes"]

    def get_product_codes(self, obj) -> list[str]:
        return [p.code for p in obj.products.all()]


class ApplicationWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationWindow
        fields = ["label", "opens_at", "closes_at"]


class ProcedureDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        help_text="inkoopdocument, conceptovereenkomst, programma_van_eisen, uea or overig."
    )

    class Meta:
        model = ProcedureDocument
        fields = ["id", "kind", "title", "version", "file_name", "sha256", "uploaded_at"]


class EntryWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntryWindow
        fields = ["opens_on", "closes_on", "admission_from"]


class AdmissionThresholdSerializer(serializers.ModelSerializer):
    municipality_cbs_code = serializers.CharField(source="municipality.cbs_code")
    product_group_code = serializers.CharField(
        source="product_group.code", default=None, allow_null=True
    )
    requirement_code = serializers.CharField(
        source="requirement.code", default=None, allow_null=True
    )
    windows = EntryWindowSerializer(many=True)
    kind = serializers.CharField(
        help_text="toetredingsmomenten, gesloten, extra_eis, minimale_omzet or intensiteiten."
    )

    class Meta:
        model = Threshold
        fields = [
            "municipality_cbs_code",
            "product_group_code",
            "kind",
            "motivation",
            "valid_from",
            "valid_until",
            "max_per_year",
            "min_turnover_cents",
            "min_intensities",
            "requirement_code",
            "windows",
        ]


class AdmissionProcedureSerializer(serializers.ModelSerializer):
    lots = ProcedureLotSerializer(many=True)
    windows = ApplicationWindowSerializer(many=True)
    documents = ProcedureDocumentSerializer(many=True)
    thresholds = AdmissionThresholdSerializer(many=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "reference",
            "title",
            "law",
            "status",
            "agreement",
            "question_deadline",
            "nota_planned_on",
            "admission_start",
            "evidence_term_days",
            "objection_days",
            "published_at",
            "lots",
            "windows",
            "documents",
            "thresholds",
        ]


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """Published admission procedures (anyone); drafts too for the regional team."""

    serializer_class = AdmissionProcedureSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        user = self.request.user
        qs = (
            selectors.procedures_visible_to(user)
            if scope_for(user).has_role
            else selectors.public_procedures()
        )
        return qs.prefetch_related(
            "lots__product_group",
            "lots__products",
            "windows",
            "documents",
            "thresholds__municipality",
            "thresholds__product_group",
            "thresholds__requirement",
            "thresholds__windows",
        ).order_by("pk")


class PublishedAnswerSerializer(serializers.ModelSerializer):
    nota = serializers.IntegerField(source="nota.number")
    question = serializers.CharField(source="public_text")
    published_at = serializers.DateTimeField(source="nota.published_at")

    class Meta:
        model = Question
        fields = ["procedure", "nota", "number", "reference", "question", "answer", "published_at"]


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("procedure", OpenApiTypes.INT, description="Procedure id.")]
    )
)
class PublishedAnswerViewSet(viewsets.ReadOnlyModelViewSet):
    """The questions and answers of the Nota's van Inlichtingen: without the askers and never a
    confidential one."""

    serializer_class = PublishedAnswerSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        qs = Question.objects.filter(
            procedure__in=selectors.public_procedures(),
            status="gepubliceerd",
            confidential=False,
        ).select_related("nota")
        procedure = self.request.query_params.get("procedure")
        if procedure and procedure.isdigit():
            qs = qs.filter(procedure_id=int(procedure))
        return qs.order_by("procedure_id", "number")


class AdmissionApplicationLineSerializer(serializers.ModelSerializer):
    product_code = serializers.SerializerMethodField()
    municipality_cbs_code = serializers.CharField(source="municipality.cbs_code")

    class Meta:
        model = ApplicationLine
        fields = ["product", "product_code", "municipality", "municipality_cbs_code"]

    def get_product_code(self, obj) -> str:
        return obj.product.code


class AdmissionApplicationSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name")
    lines = AdmissionApplicationLineSerializer(many=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "procedure",
            "provider",
            "provider_name",
            "status",
            "participation",
            "submitted_at",
            "received_on",
            "lines",
        ]


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications: all of the region for the regional team, its own for a provider,
    nothing for other roles."""

    serializer_class = AdmissionApplicationSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        return (
            selectors.applications_visible_to(self.request.user)
            .prefetch_related("lines__product", "lines__municipality")
            .order_by("pk")
        )


class AdmissionDecisionLineSerializer(serializers.ModelSerializer):
    product_group_code = serializers.CharField(source="product_group.code")
    municipality_cbs_code = serializers.CharField(source="municipality.cbs_code")
    product_codes = serializers.SerializerMethodField()

    class Meta:
        model = DecisionLine
        fields = [
            "product_group_code",
            "municipality_cbs_code",
            "product_codes",
            "outcome",
            "motivation",
            "start_date",
        ]

    def get_product_codes(self, obj) -> list[str]:
        return [p.code for p in obj.products.all()]


class AdmissionDecisionSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number")
    lines = AdmissionDecisionLineSerializer(many=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "application",
            "application_number",
            "number",
            "status",
            "decided_on",
            "objection_until",
            "finalised_on",
            "start_date",
            "motivation",
            "lines",
        ]


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Decisions on applications, scoped like the applications."""

    serializer_class = AdmissionDecisionSerializer
    permission_classes = [HasRole]

    def get_queryset(self):
        return (
            selectors.decisions_visible_to(self.request.user)
            .prefetch_related("lines__product_group", "lines__municipality", "lines__products")
            .order_by("pk")
        )


def register(router) -> None:
    router.register("toelatingsprocedures", ProcedureViewSet, basename="admission-procedure")
    router.register("inlichtingen", PublishedAnswerViewSet, basename="published-answer")
    router.register("toelatingsaanvragen", ApplicationViewSet, basename="admission-application")
    router.register("toelatingsbesluiten", DecisionViewSet, basename="admission-decision")
