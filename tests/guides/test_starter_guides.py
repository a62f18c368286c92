import pytest
from django.core.management import call_command

from guides.models import Guide
from guides.starter_guides import STARTER_GUIDES

pytestmark = pytest.mark.django_db


def test_seed_guides_publishes_the_starter_guides_once(client):
    call_command("seed_guides")
    call_command("seed_guides")

    assert Guide.objects.published().count() == len(STARTER_GUIDES) == 8
    for guide in Guide.objects.all():
        page = client.get(guide.get_absolute_url()).content.decode()
        assert "not medical advice" in page
        assert "fictional" in guide.reviewer_name
        assert len(guide.toc) >= 3


def test_every_treatment_type_has_a_starter_guide():
    call_command("seed_guides")

    covered = {
        t.slug for guide in Guide.objects.prefetch_related("treatment_types") for t in guide.treatment_types.all()
    }
    assert covered == {"iv-infusion", "im-injection", "spravato", "oral-sublingual"}
