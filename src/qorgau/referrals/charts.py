"""Her safety and wellbeing ratings over time, as coordinates for a small server-drawn SVG chart
(no JavaScript, nothing that a strict CSP would block)."""

WIDTH, HEIGHT, PAD = 320, 140, 24


def wellbeing_chart(ratings) -> dict | None:
    if not ratings:
        return None
    top = max(r.scale_max for r in ratings)
    n = len(ratings)

    def x(i):
        return PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(value):
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value / top)

    points = [
        (round(x(i), 1), round(y(r.safety), 1), round(y(r.wellbeing), 1), r) for i, r in enumerate(ratings)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "top": top,
        "base": HEIGHT - PAD,
        "y_top": round(y(top), 1),
        "safety": " ".join(f"{px},{sy}" for px, sy, _w, _r in points),
        "wellbeing": " ".join(f"{px},{wy}" for px, _s, wy, _r in points),
        "points": points,
    }
