"""Management pages for the organisation tree: my organisations, sub-organisations and role grants."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_hub.accounts.phones import normalise_mobile
from volunteer_hub.accounts.services import get_user_by_phone
from volunteer_hub.core.errors import Conflict, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.orgs import permissions, services
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.orgs.forms import ChildOrgForm, GrantRoleForm, kind_label, role_label

bp = Blueprint("orgs", __name__)
bp.add_app_template_filter(kind_label, "org_kind")
bp.add_app_template_filter(role_label, "role_name")


def _managed(org_id: int):
    org = services.get_org(org_id)
    permissions.require_manage(current_user, org)
    return org


def _page(org, child_form, grant_form, status=200):
    return render_template("orgs/detail.html", org=org, children=services.list_children(org),
                           grants=services.list_grants(org), child_form=child_form, grant_form=grant_form,
                           form=child_form if child_form.errors else grant_form), status


@bp.get("/org/orgs")
@staff_required
def index():
    """The organisations I manage, each with its sub-organisations and role holders."""
    orgs = services.list_manageable(current_user)
    return render_template("orgs/index.html",
                           entries=[(org, services.list_children(org), services.list_grants(org)) for org in orgs])


@bp.get("/org/orgs/<int:org_id>")
@staff_required
def detail(org_id: int):
    """One organisation I manage: add a sub-organisation, grant roles."""
    org = _managed(org_id)
    return _page(org, ChildOrgForm(parent=org), GrantRoleForm())


@bp.post("/org/orgs/<int:org_id>/children")
@staff_required
def create_child(org_id: int):
    """Add a sub-organisation."""
    org = _managed(org_id)
    form = ChildOrgForm(parent=org)
    if form.validate_on_submit():
        try:
            child = services.create_org(current_user, name=form.name.data, kind=form.kind.data, parent_id=org.id,
                                        lat=form.lat.data, lon=form.lon.data, temporary=form.temporary.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"parent_id": "kind"})
        else:
            flash(_("%(name)s was added under %(parent)s.", name=child.name, parent=org.name), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    return _page(org, form, GrantRoleForm(), 400)


@bp.post("/org/orgs/<int:org_id>/roles")
@staff_required
def grant(org_id: int):
    """Give a registered user a role on this organisation (valid for everything below it)."""
    org = _managed(org_id)
    form = GrantRoleForm()
    if form.validate_on_submit():
        phone = normalise_mobile(form.phone.data)
        user = get_user_by_phone(phone) if phone else None
        if phone is None:
            form.phone.errors.append(_("Enter an 11-digit mainland mobile number, e.g. 13812345678."))
        elif user is None:
            form.phone.errors.append(_("No one has registered with this number. Ask them to register first."))
        else:
            try:
                services.grant_role(current_user, org.id, user.id, form.role.data)
            except ValidationError as exc:
                apply_errors(form, exc.fields, {"user_id": "phone"})
            except Conflict as exc:
                form.phone.errors.append(str(exc.message))
            else:
                flash(_("%(name)s is now %(role)s of %(org)s.", name=user.name, role=role_label(form.role.data),
                        org=org.name), "success")
                return redirect(url_for("orgs.detail", org_id=org.id))
    return _page(org, ChildOrgForm(parent=org), form, 400)
