"""The OCDS output of the demo region validates with libcoveocds, offline: the standard's
schema and the techniques extension come from ``ocds_schema/`` (see its README), and any other
address libcoveocds or ocdsextensionregistry asks for fails the test."""

from __future__ import annotations

import copy
import io
import json
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

from zorgregio.opendata import ocds

SCHEMA = Path(__file__).parent / "ocds_schema"
EXTENSION_BASE = ocds.TECHNIQUES_EXTENSION.rsplit("/", 1)[0] + "/"
# ocdsextensionregistry reads a GitHub-hosted extension from its repository's ZIP archive.
EXTENSION_ZIP = (
    "https://github.com/open-contracting-extensions/ocds_techniques_extension/archive/master.zip"
)


def _extension_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("ocds_techniques_extension-master/", "")
        for path in sorted((SCHEMA / "techniques").rglob("*")):
            if path.is_file():
                name = path.relative_to(SCHEMA / "techniques").as_posix()
                z.write(path, f"ocds_techniques_extension-master/{name}")
    return out.getvalue()


pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]


class LocalFiles(requests.adapters.BaseAdapter):
    """Serves the vendored extension files for the extension's public address."""

    def send(self, request, **kwargs):
        name = request.url[len(EXTENSION_BASE) :]
        path = SCHEMA / "techniques" / name
        response = requests.Response()
        response.url = request.url
        response.request = request
        if request.url == EXTENSION_ZIP:
            response.status_code = 200
            response._content = _extension_zip()
        elif request.url.startswith(EXTENSION_BASE) and path.is_file():
            response.status_code = 200
            response._content = path.read_bytes()
        else:
            response.status_code = 404
            response._content = b""
        return response

    def close(self):
        pass


class NoNetwork(requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):
        raise AssertionError(f"the validation tried to fetch {request.url}")

    def close(self):
        pass


STANDARD_BASE = "https://standard.open-contracting.org/schema/1__1__4/"


def standard_file(url, *args, **kwargs):
    """``requests.get`` for jsonref, which fetches what a record package schema refers to."""
    path = SCHEMA / "standard" / url[len(STANDARD_BASE) :]
    if not (url.startswith(STANDARD_BASE) and path.is_file()):
        raise AssertionError(f"the validation tried to fetch {url}")
    response = requests.Response()
    response.status_code = 200
    response._content = path.read_bytes()
    return response


def closed_codelists() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def walk(node):
        if isinstance(node, dict):
            enum = node.get("enum") or node.get("items", {}).get("enum")
            if node.get("codelist") and node.get("openCodelist") is False and enum:
                found[node["codelist"]] = [code for code in enum if code is not None]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((SCHEMA / "standard" / "release-schema.json").read_text()))
    return found


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """libcoveocds configured for the vendored OCDS 1.1.4 schema, without network."""
    from libcoveocds.config import LibCoveOCDSConfig
    from ocdsextensionregistry import extension_version, util

    archive = tmp_path / "standard.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("standard-1__1__4/", "")
        for path in sorted((SCHEMA / "standard").iterdir()):
            z.write(path, f"standard-1__1__4/standard/schema/{path.name}")
        # The closed codelists, from the enums of the release schema (libcoveocds needs the
        # standard's codelists; the open ones are not vendored and so are not checked).
        for name, codes in closed_codelists().items():
            rows = "".join(f"{code},{code},\n" for code in codes)
            z.writestr(
                f"standard-1__1__4/standard/schema/codelists/{name}",
                "Code,Title,Description\n" + rows,
            )
    # A plain session (no response cache) that reaches only the vendored files.
    session = requests.Session()
    session.adapters.clear()
    monkeypatch.setattr(util, "session", session)
    monkeypatch.setattr(extension_version, "session", session)
    session.mount("https://", NoNetwork())
    session.mount("http://", NoNetwork())
    session.mount(EXTENSION_BASE, LocalFiles())
    session.mount(EXTENSION_ZIP, LocalFiles())
    monkeypatch.setattr(requests, "get", standard_file)
    config = LibCoveOCDSConfig()
    config.config["context"] = "api"
    config.config["standard_zip"] = f"file://{archive}"
    config.config["schema_version_choices"] = {
        "1.1": ("1.1", "https://standard.open-contracting.org/1.1/en/", "1__1__4")
    }
    config.config["schema_version"] = "1.1"
    return config


def validate(package: dict, config) -> dict:
    from libcoveocds.api import ocds_json_output

    # A fresh copy: libcoveocds annotates what it reads.
    data = json.loads(json.dumps(package))
    # It writes its extended schema into the output folder: a temporary one, not the checkout.
    with tempfile.TemporaryDirectory() as folder:
        return ocds_json_output(folder, json_data=data, lib_cove_ocds_config=config)


def errors(result: dict) -> list:
    """Schema errors, and values outside a closed codelist (libcove reports those apart)."""
    return [
        *result.get("validation_errors", []),
        *result.get("additional_closed_codelist_values", {}).items(),
    ]


@pytest.fixture
def demo_region(db):
    call_command("demo", "--scale", "0.05", stdout=StringIO())
    from zorgregio.contracten.models import FrameworkAgreement

    agreement = FrameworkAgreement.objects.select_related("region").first()
    assert agreement is not None
    return agreement


def test_the_demo_region_validates_without_errors(client, demo_region, offline):
    from zorgregio.contracten.models import Admission, AdmissionTransition, Amendment

    response = client.get("/api/open/v1/ocds/bulk/releases.json")
    assert response.status_code == 200
    package = response.json()
    result = validate(package, offline)
    assert errors(result) == [], errors(result)[:5]
    assert result["version_used"] == "1.1"
    # The extension was applied (the techniques fields are not reported as additional).
    assert not [f for f in result.get("additional_fields", []) if "techniques" in str(f)]
    releases = package["releases"]
    tags = {tag for r in releases for tag in r["tag"]}
    assert {"tender", "tenderUpdate", "award", "contract"} <= tags
    # Every admission that was in force is a contract; transitions and accepted amendments too.
    contract_ids = {c["id"] for r in releases for c in r.get("contracts", [])}
    in_force = Admission.objects.exclude(status="concept", activated_on__isnull=True)
    assert {f"deelname-{pk}" for pk in in_force.values_list("pk", flat=True)} == contract_ids
    if AdmissionTransition.objects.exists():
        assert tags & {"contractUpdate", "contractTermination"}
    if Amendment.objects.filter(status="aanvaard").exists():
        assert tags & {"contractAmendment", "tenderAmendment", "awardUpdate"}

    # The validation really validates: a wrong tag, a wrong framework method and a missing
    # ocid are each reported.
    bad = copy.deepcopy(package)
    bad["releases"][0]["tag"] = ["ondergetekend"]
    bad["releases"][0]["tender"]["techniques"]["frameworkAgreement"]["method"] = "lottery"
    del bad["releases"][-1]["ocid"]
    text = json.dumps(errors(validate(bad, offline)))
    assert "ondergetekend" in text and "lottery" in text and "ocid" in text

    response = client.get("/api/open/v1/ocds/bulk/records.json")
    records = response.json()
    result = validate(records, offline)
    assert errors(result) == [], errors(result)[:5]
    record = records["records"][0]
    tender = record["compiledRelease"]["tender"]
    assert tender["techniques"]["hasFrameworkAgreement"] is True
    assert tender["techniques"]["frameworkAgreement"]["method"] == "withoutReopeningCompetition"
    assert tender["techniques"]["hasDynamicPurchasingSystem"] is True


def test_only_public_information_and_stable_ocids(client, demo_region, settings):
    from zorgregio.zorg.models import Client

    text = client.get("/api/open/v1/ocds/bulk/records.json").content.decode()
    # No client, BSN or birth date; no motivation or reason texts of the register.
    for client_row in Client.objects.all()[:50]:
        assert str(client_row.pseudonym) not in text
    assert "bsn" not in text.lower()
    from zorgregio.contracten.models import AdmissionTransition

    for transition in AdmissionTransition.objects.exclude(reason="")[:20]:
        assert transition.reason not in text
    # Drafts are not published: a draft admission that never became active is no contract.
    from zorgregio.contracten.models import Admission

    for draft in Admission.objects.filter(status="concept", activated_on__isnull=True)[:5]:
        assert f'"deelname-{draft.pk}"' not in text

    ocid = ocds.ocid(demo_region)
    assert ocid.startswith(settings.ZORGREGIO_OCDS_PREFIX + "-")
    record = client.get(f"/api/open/v1/ocds/records/{ocid}/").json()
    assert record["records"][0]["ocid"] == ocid
    assert {r["ocid"] for r in record["records"][0]["releases"]} == {ocid}
    for bad in ("ocds-zorgrg-nergens-ro1", "onzin", f"{ocid}9999999", "ocds-zorgrg--ro"):
        response = client.get(f"/api/open/v1/ocds/records/{bad}/")
        assert response.status_code == 404, bad
        assert response["Content-Type"] == "application/problem+json"
        assert "ocid" in response.json()["detail"]
    settings.ZORGREGIO_OCDS_PREFIX = "ocds-abc123"
    assert ocds.ocid(demo_region).startswith("ocds-abc123-")


def test_compiled_release_merges_by_identifier():
    releases = [
        {"ocid": "o", "id": "1", "date": "2026-01-01T00:00:00+01:00", "tag": ["contract"],
         "contracts": [{"id": "a", "status": "active",
                        "items": [{"id": "x", "description": "X"}]}]},
        {"ocid": "o", "id": "2", "date": "2026-02-01T00:00:00+01:00", "tag": ["contractUpdate"],
         "contracts": [{"id": "a", "status": "terminated"}, {"id": "b", "status": "active"}]},
    ]  # fmt: skip
    compiled = ocds.compile_releases(releases)
    assert compiled["tag"] == ["compiled"]
    assert compiled["date"] == "2026-02-01T00:00:00+01:00"
    assert [c["id"] for c in compiled["contracts"]] == ["a", "b"]
    assert compiled["contracts"][0]["status"] == "terminated"
    assert compiled["contracts"][0]["items"] == [{"id": "x", "description": "X"}]
