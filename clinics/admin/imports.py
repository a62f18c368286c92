"""Spreadsheets in the admin: importing clinics through a checked preview, exporting them, and the import log."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from clinics.admin_forms import ImportForm
from clinics.importing import import_clinics
from clinics.models import ImportBatch
from clinics.spreadsheets import ImportFileError, export_rows, read_rows, write_csv
from directory.admin import ReadOnlyAdmin


class ClinicImportExportMixin:
    """The Clinics list's "Import clinics" page with its preview, and the export action (for ClinicAdmin)."""

    actions = ["export_csv"]
    change_list_template = "admin/clinics/clinic/change_list.html"  # adds the "Import clinics" button

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="clinics_clinic_import"),
            path(
                "import/<int:batch_id>/",
                self.admin_site.admin_view(self.import_preview_view),
                name="clinics_clinic_import_preview",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a file: it is checked at once, kept as a batch, and shown as a preview before anything is written."""
        if not request.user.has_perm("clinics.add_importbatch"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload, source = form.cleaned_data["file"], form.cleaned_data["source"].strip()
            data = upload.read()
            try:
                read_rows(data, upload.name)  # the file as a whole; the preview checks its rows
            except ImportFileError as error:
                form.add_error("file", f"{error} Nothing was imported.")
            else:
                batch = ImportBatch.objects.create(
                    file_name=upload.name[:255],
                    source_name=source,
                    content=data.decode("utf-8-sig"),
                    uploaded_by=request.user,
                )
                return redirect("admin:clinics_clinic_import_preview", batch.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import clinics"}
        return TemplateResponse(request, "admin/clinics/clinic/import.html", {**context, "form": form})

    def import_preview_view(self, request, batch_id: int):
        """The dry run's report per row; confirming (a POST) imports the valid rows in one transaction."""
        if not request.user.has_perm("clinics.add_importbatch"):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        committing = request.method == "POST" and batch.committed_at is None
        report = import_clinics(
            batch.content.encode(),
            file_name=batch.file_name,
            source=batch.source_name,
            commit=committing,
            user=request.user,
        )
        if committing:
            batch.committed_at, batch.summary = timezone.now(), report.summary()
            batch.save(update_fields=["committed_at", "summary"])
            self.message_user(request, f"Imported {batch}: {report.summary()}", messages.SUCCESS)
            return redirect("admin:clinics_clinic_import_preview", batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import {batch}",
            "batch": batch,
            "report": report,
        }
        return TemplateResponse(request, "admin/clinics/clinic/import_preview.html", context)

    @admin.action(description="Export selected clinics as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="clinics-{timezone.localdate():%Y-%m-%d}.csv"'
        write_csv(export_rows(queryset), response)
        return response


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Who imported which file when, and what it did; a file not yet confirmed links to its preview.

    Files arrive through the Clinics page's "Import clinics", never by adding a row here.
    """

    list_display = ["file_name", "source_name", "uploaded_by", "created_at", "committed_at", "summary", "preview_link"]
    fields = ["file_name", "source_name", "uploaded_by", "created_at", "committed_at", "summary"]
    readonly_fields = fields

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">Rows</a>', reverse("admin:clinics_clinic_import_preview", args=[obj.pk]))
