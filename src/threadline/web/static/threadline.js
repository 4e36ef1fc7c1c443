/* Threadline: signing in and out through the API's own sign-in routes. No libraries. */
"use strict";

/* The session's CSRF token, sent with every POST made with the cookie (see api/hardening.py). */
function csrfToken() {
  var meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("login");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = document.getElementById("login-error");
      error.hidden = true;
      fetch("/api/login", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRF-Token": csrfToken()
        },
        credentials: "same-origin",
        body: JSON.stringify({
          username: form.elements.username.value,
          password: form.elements.password.value
        })
      }).then(function (response) {
        if (response.ok) {
          window.location.assign(form.dataset.next || "/");
          return null;
        }
        return response.json().then(function (body) {
          error.textContent = (body && body.error && body.error.message) || "Could not sign in.";
          error.hidden = false;
        });
      }).catch(function () {
        error.textContent = "Could not reach the server.";
        error.hidden = false;
      });
    });
  }
  document.querySelectorAll("[data-logout]").forEach(function (button) {
    button.addEventListener("click", function () {
      fetch("/api/logout", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken() }
      })
        .finally(function () { window.location.assign("/login"); });
    });
  });
});
