from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from directory.caching import GUIDES, changes_by_itself, guides_changed
        from directory.media import register_media_rule
        from guides.images import hero_image_visibility
        from guides.models import Guide

        register_media_rule(hero_image_visibility)

        changes_by_itself(GUIDES, Guide.objects.next_going_live)
        post_save.connect(guides_changed, sender=Guide, dispatch_uid="guides_changed_save")
        post_delete.connect(guides_changed, sender=Guide, dispatch_uid="guides_changed_delete")
        for relation in [Guide.treatment_types, Guide.conditions]:
            m2m_changed.connect(
                guides_changed, sender=relation.through, dispatch_uid=f"guides_changed_{relation.field.name}"
            )
