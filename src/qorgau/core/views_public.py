"""Marking views that anyone may open. Everything else needs a signed-in, MFA-verified user."""


def public_view(view_func):
    """Let the view be opened without signing in (portal, sign-in, verification pages)."""
    view_func.qorgau_public = True
    return view_func
