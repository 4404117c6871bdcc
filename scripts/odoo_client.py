"""A browser session against an Odoo server, for the checks under scripts/: the
JSON-RPC calls the web client makes (log in, call a model's method, click a button)."""

import requests


class User:
    """One user's session on ``url`` (``http://127.0.0.1:PORT``), logged in to ``db`` with
    ``password`` (the demo's: the login)."""

    def __init__(self, url, db, login, password=None, timeout=300):
        self.url = url
        self.login = login
        self.timeout = timeout
        self.http = requests.Session()
        self.rpc("/web/session/authenticate", db=db, login=login, password=password or login)

    def rpc(self, path, **params):
        """The call's result; an error Odoo returns is raised with its message."""
        reply = self.http.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=self.timeout,
        ).json()
        if "error" in reply:
            raise RuntimeError(f"{self.login} {path}: {reply['error']['data']['message']}")
        return reply.get("result")  # Odoo leaves out a None result

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def button(self, model, method, ids):
        return self.rpc(
            "/web/dataset/call_button", model=model, method=method, args=[ids], kwargs={}
        )
