"""RQ entry points for certificates."""

from volunteer_hub.certificates import services


def render_certificate(certificate_id: int) -> None:
    """Make the PDF of a requested certificate (once; a repeat or a revoked certificate is left alone)."""
    services.render_certificate(certificate_id)
