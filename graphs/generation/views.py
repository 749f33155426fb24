"""The job page: a generation's live progress; it opens the graph when the job succeeds.
Only the job's owner may see it (404 for anyone else, as the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from graphs.generation.models import GenerationJob


@login_required
@require_GET
def generation_detail(request, job_id: str):
    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None or not job.visible_to(request.user):
        raise Http404("no such generation")
    return render(request, "generation/job.html", {"job": job, "follow_job_id": job.id})
