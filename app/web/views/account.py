"""Signing in and out. Passwords are checked against their hash, at the same cost for
addresses without an account; sign-in attempts are rate-limited per address and per
account. Signing out ends the user's sessions everywhere, not only in this browser."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.extensions import limiter
from app.query_args import query_args
from app.services import users as user_service
from app.web.auth import actor, safe_next
from app.web.blueprint import bp
from app.web.forms import ActionForm, SignInForm

SIGN_IN_LIMIT_PER_ADDRESS = "10 per minute; 50 per hour"
SIGN_IN_LIMIT_PER_ACCOUNT = "20 per hour"


def _limits_off() -> bool:
    # Each app decides for itself (tests switch the limiter off in TestingConfig).
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _account_key() -> str:
    return "sign-in:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/sign-in", methods=["GET", "POST"])
@query_args("next")
@limiter.limit(SIGN_IN_LIMIT_PER_ADDRESS, methods=["POST"], exempt_when=_limits_off)
@limiter.limit(SIGN_IN_LIMIT_PER_ACCOUNT, methods=["POST"], key_func=_account_key,
               exempt_when=_limits_off)
def login():
    form = SignInForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("web.home"))
    status = 200
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"Signed in as {user.name} ({user.role.value}).", "success")
            return redirect(safe_next(form.next.data) or url_for("web.home"))
        # One message for a wrong email or a wrong password: do not confirm accounts.
        form.password.errors = ["wrong email or password"]
        form.form_errors.append("That email and password do not match an account.")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("account/sign_in.html", form=form), status


@bp.post("/sign-out")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Not just this browser's cookie: a copy of it (or of the "keep me signed
            # in" cookie) saved anywhere must stop working too.
            user_service.end_sessions(actor(), actor=actor(), reason="signed out")
        logout_user()
        flash("Signed out.", "info")
    return redirect(url_for("web.home"))
