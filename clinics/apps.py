from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        from clinics import models
        from clinics.images import photo_visibility
        from directory.caching import listings_changed, reference_changed
        from directory.media import register_media_rule

        register_media_rule(photo_visibility)

        # Everything a public page shows about a listing; a change starts a new cache version.
        for model in [
            models.Clinic,
            models.ClinicTreatment,
            models.ClinicPhoto,
            models.TreatmentType,
            models.Condition,
            models.InsuranceCarrier,
            models.Language,
            models.Place,  # where a searched ZIP code or city is
            models.Membership,  # a clinic page says whether the clinic's staff keep the listing
        ]:
            post_save.connect(listings_changed, sender=model, dispatch_uid=f"listings_changed_save_{model.__name__}")
            post_delete.connect(
                listings_changed, sender=model, dispatch_uid=f"listings_changed_delete_{model.__name__}"
            )
        # What a clinic's card names of them (clinics/cards.py), and the ZIP codes each process keeps
        # (clinics/places.py).
        for model in [models.TreatmentType, models.Condition, models.InsuranceCarrier, models.Language, models.Place]:
            post_save.connect(reference_changed, sender=model, dispatch_uid=f"reference_changed_save_{model.__name__}")
            post_delete.connect(
                reference_changed, sender=model, dispatch_uid=f"reference_changed_delete_{model.__name__}"
            )
        for relation in [models.Clinic.conditions, models.Clinic.languages, models.ClinicTreatment.carriers]:
            m2m_changed.connect(
                listings_changed, sender=relation.through, dispatch_uid=f"listings_changed_{relation.field.name}"
            )
