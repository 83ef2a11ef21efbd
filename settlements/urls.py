"""Settlement's pages: HQ's runs, statements and disputes; the store's statements and files."""

from django.urls import path

from settlements.views import runs, statements, whatif

urlpatterns = [
    path("hq/settlements/", runs.hq_settlement_runs, name="hq-settlements"),
    path("hq/settlements/what-if/", whatif.hq_what_if, name="hq-settlement-what-if"),
    path("hq/settlements/disputes/", runs.hq_disputes, name="hq-settlement-disputes"),
    path("hq/settlements/runs/<int:run_id>/", runs.hq_settlement_run, name="hq-settlement-run"),
    path("hq/settlements/runs/<int:run_id>/close/", runs.hq_settlement_run_close, name="hq-settlement-run-close"),
    path("hq/settlements/statements/<int:statement_id>/", runs.hq_statement, name="hq-statement"),
    path("store/statements/", statements.store_statements, name="store-statements"),
    path("store/statements/<int:statement_id>/", statements.store_statement, name="store-statement"),
    *[
        path(f"{prefix}/{suffix}", statements.statement_file, {"file_format": fmt}, name=f"{portal}-statement-{fmt}")
        for portal, prefix in (
            ("hq", "hq/settlements/statements/<int:statement_id>"),
            ("store", "store/statements/<int:statement_id>"),
        )
        for fmt, suffix in (("pdf", "statement.pdf"), ("csv", "statement.csv"))
    ],
]
