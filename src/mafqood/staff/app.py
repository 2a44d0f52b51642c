"""The staff dashboard, served by the API's own process under /staff."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mafqood.staff.admin_pages import router as admin_pages
from mafqood.staff.auth_pages import router as auth_pages
from mafqood.staff.decision_pages import router as decision_pages
from mafqood.staff.desk_pages import router as desk_pages
from mafqood.staff.manage_pages import router as manage_pages
from mafqood.staff.public_pages import router as public_pages
from mafqood.staff.render import STATIC


def install_staff_dashboard(app: FastAPI) -> None:
    app.mount("/staff/static", StaticFiles(directory=STATIC), name="staff-static")
    for router in (
        auth_pages,
        desk_pages,
        decision_pages,
        manage_pages,
        admin_pages,
        public_pages,
    ):
        app.include_router(router)
