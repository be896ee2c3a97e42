from qorgau.notifications.models import Notification


def inbox(*, actor, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(user=actor)[:limit])


def unread_count(*, actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()
