// Live knobs: as a knob turns, fetch the results for the form's values and show them.
// Without JavaScript the "Compute" button does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("scenario-form");
  var results = document.getElementById("scenario-results");
  if (!form || !results) return;
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken") params.append(key, value);
    });
    return params.toString();
  }

  function refresh() {
    var ticket = ++latest;
    results.setAttribute("aria-busy", "true");
    fetch(url + "?" + query(), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (ticket !== latest) return;
        results.innerHTML = html;
        results.setAttribute("data-updated", String(ticket));
      })
      .catch(function () {})
      .then(function () { if (ticket === latest) results.removeAttribute("aria-busy"); });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
