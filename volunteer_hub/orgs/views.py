"""Management pages for the organisation tree: my organisations, sub-organisations, role invitations and temporary
Party branches with their members."""

from typing import cast

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer_hub.core.errors import Conflict, NotFound, ValidationError
from volunteer_hub.core.forms import apply_errors
from volunteer_hub.orgs import permissions, rules, services
from volunteer_hub.orgs.access import staff_required
from volunteer_hub.orgs.forms import (
    BranchForm,
    BranchMemberForm,
    ChildOrgForm,
    EnglishNameForm,
    GrantRoleForm,
    kind_label,
    role_label,
)
from volunteer_hub.orgs.models import InvitationKind, OrgKind, RoleGrant
from volunteer_hub.orgs.names import org_name
from volunteer_hub.orgs.throttle import invite_limits

bp = Blueprint("orgs", __name__)
bp.add_app_template_filter(kind_label, "org_kind")
bp.add_app_template_filter(role_label, "role_name")
# My profile links to invitations (to Party branches, to roles) waiting for my answer.
bp.add_app_template_global(lambda: services.count_invitations(current_user), "open_invitations")


def _managed(org_id: int):
    org = services.get_org(org_id)
    permissions.require_manage(current_user, org)
    return org


def _page(org, child_form=None, grant_form=None, name_form=None, status=200):
    """The organisation's page with its three forms; the one given (just posted) shows its errors."""
    child_form = ChildOrgForm(parent=org) if child_form is None else child_form
    grant_form = GrantRoleForm() if grant_form is None else grant_form
    name_form = EnglishNameForm(english_name=org.name_en) if name_form is None else name_form
    failed = next((form for form in (child_form, name_form) if form.errors), grant_form)
    return render_template(
        "orgs/detail.html",
        org=org,
        children=services.list_children(org),
        grants=services.list_grants(org),
        child_form=child_form,
        grant_form=grant_form,
        name_form=name_form,
        form=failed,
    ), status


@bp.get("/org/orgs")
@staff_required
def index():
    """The organisations I manage, each with its sub-organisations and role holders."""
    orgs = services.list_manageable(current_user)
    return render_template(
        "orgs/index.html", entries=[(org, services.list_children(org), services.list_grants(org)) for org in orgs]
    )


@bp.get("/org/orgs/<int:org_id>")
@staff_required
def detail(org_id: int):
    """One organisation I manage: add a sub-organisation, grant roles."""
    return _page(_managed(org_id))


@bp.post("/org/orgs/<int:org_id>/children")
@staff_required
def create_child(org_id: int):
    """Add a sub-organisation."""
    org = _managed(org_id)
    form = ChildOrgForm(parent=org)
    if form.validate_on_submit():
        try:
            child = services.create_org(
                current_user,
                name=cast(str, form.name.data),  # a posted text field holds a string
                kind=form.kind.data,
                parent_id=org.id,
                lat=form.lat.data,
                lon=form.lon.data,
                temporary=form.temporary.data,
                name_en=form.name_en.data,
            )
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"parent_id": "kind"})
        else:
            flash(_("%(name)s was added under %(parent)s.", name=org_name(child), parent=org_name(org)), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    return _page(org, child_form=form, status=400)


@bp.post("/org/orgs/<int:org_id>/roles")
@staff_required
@invite_limits("ROLE_INVITE_LIMIT_PER_ORGANIZER")
def grant(org_id: int):
    """Invite a mobile number to a role on this organisation (valid for everything below it); its holder gets the
    role only by accepting."""
    org = _managed(org_id)
    form = GrantRoleForm()
    if form.validate_on_submit():
        try:
            services.invite_role(current_user, org, form.role.data, phone=form.phone.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields)
        else:
            flash(services.invitation_sent(InvitationKind(form.role.data)), "success")
            return redirect(url_for("orgs.detail", org_id=org.id), 303)
    return _page(org, grant_form=form, status=400)


@bp.post("/org/orgs/<int:org_id>/english-name")
@staff_required
def english_name(org_id: int):
    """Set or clear the organisation's English name."""
    org = _managed(org_id)
    form = EnglishNameForm()
    if form.validate_on_submit():
        try:
            services.set_english_name(current_user, org.id, form.english_name.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"name_en": "english_name"})
        else:
            flash(_("The English name is saved."), "success")
            return redirect(url_for("orgs.detail", org_id=org.id), 303)
    return _page(org, name_form=form, status=400)


# --- temporary Party branches ---


def _branches_page(org, form, status=200):
    return render_template("orgs/branches.html", org=org, form=form, branches=services.list_branches(org)), status


@bp.get("/org/orgs/<int:org_id>/branches")
@staff_required
def branches(org_id: int):
    """The Party branches at a street, community or compound, and a form to set up a temporary one."""
    org = _managed(org_id)
    rules.check_branch_site(org)
    return _branches_page(org, BranchForm(tasks=services.list_site_tasks(org)))


@bp.post("/org/orgs/<int:org_id>/branches")
@staff_required
def create_branch(org_id: int):
    """Set up a temporary Party branch here, then add its members."""
    org = _managed(org_id)
    form = BranchForm(tasks=services.list_site_tasks(org))
    if form.validate_on_submit():
        try:
            branch = services.create_temporary_branch(
                current_user, org.id, name=form.name.data, task_id=form.task_id.data
            )
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"parent_id": "name"})
        else:
            flash(_("%(name)s was set up. Now add its members.", name=org_name(branch)), "success")
            return redirect(url_for("orgs.branch", branch_id=branch.id), 303)
    return _branches_page(org, form, 400)


def _managed_branch(branch_id: int):
    branch = _managed(branch_id)
    if branch.kind != OrgKind.PARTY_BRANCH:
        raise NotFound(_("No such Party branch."))
    return branch


def _branch_page(branch, form, status=200):
    return render_template(
        "orgs/branch.html", branch=branch, form=form, members=services.list_branch_members(branch)
    ), status


@bp.get("/org/branches/<int:branch_id>")
@staff_required
def branch(branch_id: int):
    """A Party branch's members; add one by mobile number."""
    return _branch_page(_managed_branch(branch_id), BranchMemberForm())


@bp.post("/org/branches/<int:branch_id>/members")
@staff_required
@invite_limits("BRANCH_INVITE_LIMIT_PER_ORGANIZER")
def add_member(branch_id: int):
    """Invite a mobile number to the branch; its holder joins only by accepting."""
    branch = _managed_branch(branch_id)
    form = BranchMemberForm()
    if form.validate_on_submit():
        try:
            services.invite_branch_member(current_user, branch, form.phone.data)
        except ValidationError as exc:
            apply_errors(form, exc.fields, {"org_id": "phone"})
        else:
            flash(services.invitation_sent(), "success")
            return redirect(url_for("orgs.branch", branch_id=branch.id), 303)
    return _branch_page(branch, form, 400)


@bp.post("/org/branches/<int:branch_id>/members/<int:user_id>/remove")
@staff_required
def remove_member(branch_id: int, user_id: int):
    """Take a member off the branch."""
    branch = _managed_branch(branch_id)
    services.remove_branch_member(current_user, branch, user_id)
    flash(_("The member was removed from %(branch)s.", branch=org_name(branch)), "success")
    return redirect(url_for("orgs.branch", branch_id=branch.id), 303)


# --- the invitee's side: one page for invitations of every kind; links use /me/invitations (registered first),
# the older /me/branch-invitations paths still answer ---


@bp.get("/me/branch-invitations")
@bp.get("/me/invitations")
@login_required
def invitations():
    """Invitations to Party branches and to roles waiting for my answer."""
    return render_template("orgs/invitations.html", invitations=services.list_invitations(current_user))


@bp.post("/me/branch-invitations/<int:invitation_id>/accept")
@bp.post("/me/invitations/<int:invitation_id>/accept")
@login_required
def accept_invitation(invitation_id: int):
    """Join the Party branch, or take the role, of one of my invitations."""
    try:
        accepted = services.accept_invitation(current_user, invitation_id)
    except Conflict as exc:
        flash(str(exc.message), "error")
    else:
        org = services.get_org(accepted.org_id)
        if isinstance(accepted, RoleGrant):
            flash(_("You are now %(role)s of %(org)s.", role=role_label(accepted.role), org=org_name(org)), "success")
        else:
            flash(_("You joined %(branch)s.", branch=org_name(org)), "success")
    return redirect(url_for("orgs.invitations"), 303)


@bp.post("/me/branch-invitations/<int:invitation_id>/decline")
@bp.post("/me/invitations/<int:invitation_id>/decline")
@login_required
def decline_invitation(invitation_id: int):
    """Turn one of my invitations down; the organizer is not told."""
    services.decline_invitation(current_user, invitation_id)
    flash(_("You declined the invitation."), "success")
    return redirect(url_for("orgs.invitations"), 303)
