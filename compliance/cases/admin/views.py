"""One view for every step: show the form for the selected objects, then call the service.

Changelist actions redirect here with ``?ids=``; the buttons on a case page link here with the
one id. Refusals from the services (four eyes, roles, states) come back as messages.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from compliance.cases import access
from compliance.cases.admin.steps import Step
from core.actors import Actor
from core.admin_base import issue_once, spend_once, stale_objects, unfold_widgets, versions_of
from core.errors import DomainError


class StepsMixin(admin.ModelAdmin):
    steps: dict[str, Step] = {}
    step_template = "admin/cases/step_form.html"

    def step_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_step"

    def step_url(self, name: str, ids) -> str:
        query = urlencode({"ids": ",".join(str(i) for i in ids)})
        return reverse(f"admin:{self.step_url_name()}", args=[name]) + f"?{query}"

    def redirect_to_step(self, name: str, queryset) -> HttpResponseRedirect:
        return HttpResponseRedirect(self.step_url(name, queryset.values_list("pk", flat=True)))

    def step_objects(self, ids: list[str]) -> list:
        try:
            return list(self.get_queryset_for_steps().filter(pk__in=ids))
        except (ValueError, ValidationError):  # not ids of these records: nothing selected
            return []

    def get_queryset_for_steps(self):
        return self.model._default_manager.all()

    def run_step(self, step: Step, objects: list, data: dict, actor: Actor) -> tuple[int, list]:
        """Run ``step``; returns how many objects it was done for and the refusals."""
        if step.run_all is not None:
            try:
                step.run_all(objects, data, actor)
            except DomainError as exc:
                return 0, [str(exc.detail or exc)]
            return len(objects), []
        errors = []
        for obj in objects:
            try:
                step.run(obj, data, actor)
            except DomainError as exc:
                errors.append(f"{obj}: {exc.detail or exc}")
        return len(objects) - len(errors), errors

    def step_view(self, request: HttpRequest, name: str) -> HttpResponse:
        step = self.steps.get(name)
        if step is None:
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        if step.decider_only and not access.can_decide(request.user):
            raise PermissionDenied
        raw = request.POST.get("ids") or request.GET.get("ids", "")
        ids = [i for i in raw.split(",") if i]
        objects = self.step_objects(ids)
        if not objects:
            messages.warning(request, "Nothing selected.")
            return HttpResponseRedirect(self.changelist_url())
        changed: list = []
        form = unfold_widgets(step.form(request.POST or None, user=request.user))
        if request.method == "POST":
            # A second click on the same form does nothing more than the first did.
            once = request.POST.get("once", "")
            if once and not spend_once(request, once):
                messages.info(request, f"{step.label}: this form was already sent; done once.")
                return HttpResponseRedirect(self.after_step_url(objects))
            changed = stale_objects(objects, request.POST.get("seen", ""))
            if changed:
                names = ", ".join(str(o) for o in changed)
                form.add_error(
                    None,
                    f"{names} changed since you opened this page. Review the current "
                    "state below and submit again; nothing was done.",
                )
            elif form.is_valid():
                actor = Actor.for_user(request.user)
                done, errors = self.run_step(step, objects, form.cleaned_data, actor)
                for error in errors:
                    messages.error(request, error)
                if done:
                    messages.success(request, f"{step.label}: done for {done} of {len(objects)}.")
                return HttpResponseRedirect(self.after_step_url(objects))
        context = {
            **self.admin_site.each_context(request),
            "title": step.label,
            "opts": self.model._meta,
            "step": step,
            "step_name": name,
            "form": form,
            "objects": objects,
            "ids": ",".join(str(o.pk) for o in objects),
            # The page's versions and a one-time token: stale pages and double clicks.
            "seen": request.POST.get("seen")
            if form.errors and not changed
            else versions_of(objects),
            "once": issue_once(request),
            "cancel_url": self.after_step_url(objects),
        }
        return TemplateResponse(request, self.step_template, context)

    def changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def after_step_url(self, objects: list) -> str:
        if len(objects) == 1:
            opts = self.model._meta
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[objects[0].pk])
        return self.changelist_url()
