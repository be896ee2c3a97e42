from tests.stats.conftest import STATISTICS

from qorgau.stats.refresh import rebuild


def test_dashboard_renders_for_analyst(analyst, caseworker, open_case, login_client, client):
    for _ in range(3):
        open_case(caseworker, consents=[STATISTICS])
    rebuild()
    login_client(analyst)
    for url in (
        "/stats/",
        "/stats/pathway/",
        "/stats/risk-outcomes/",
        "/stats/download/incidents/?format=pdf",
        "/stats/download/incidents/?format=xlsx",
        "/stats/download/pathway/?format=csv&lang=ru",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:3000])
