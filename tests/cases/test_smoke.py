from qorgau.accounts.roles import Role


def test_open_and_view(client, login_client, make_user, open_case):
    worker = make_user(Role.CASEWORKER)
    case = open_case(worker)
    login_client(worker)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200, page.content[:2000]
    assert "Айгүл" in page.content.decode()
    assert client.get("/cases/").status_code == 200
    assert client.get("/cases/?q=900101400404").status_code == 200
    assert client.get("/cases/new/").status_code == 200
    assert client.get("/dashboard/").status_code == 200
