"""Admin for generation: staff grant quota tiers (with an expiry) and inspect jobs."""

from __future__ import annotations

from django.contrib import admin

from graphs.generation.models import GenerationJob, QuotaGrant, QuotaTier


@admin.register(QuotaTier)
class QuotaTierAdmin(admin.ModelAdmin):
    list_display = ("name", "jobs_per_hour", "max_queued")


@admin.register(QuotaGrant)
class QuotaGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "tier", "expires_at", "granted_by", "created_at")
    list_filter = ("tier",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user  # who granted it, for the record
        super().save_model(request, obj, form, change)


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "model_id", "state", "phase", "attempts", "created_at")
    list_filter = ("state", "model_id")
    search_fields = ("id", "owner__username", "prompt")
    readonly_fields = [f.name for f in GenerationJob._meta.fields]

    def has_add_permission(self, request):
        return False
