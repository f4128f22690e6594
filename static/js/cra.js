/* CRA filing form: progressive disclosure, commune autocomplete, draft kept in localStorage.
   Without JavaScript every field is shown and the server does all the work. */
(function () {
  "use strict";
  var done = document.querySelector("[data-cra-enregistre]");
  if (done) { try { localStorage.removeItem("cra-nouveau"); } catch (e) { /* private mode */ } return; }
  var form = document.getElementById("cra-form");
  if (!form) { return; }
  var draftKey = form.getAttribute("data-brouillon");

  function value(name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    return checked ? checked.value : "";
  }
  function show(el, visible) { if (el) { el.hidden = !visible; } }

  function update() {
    var type = value("type");
    form.querySelectorAll("[data-cra-pour]").forEach(function (el) {
      show(el, !type || el.getAttribute("data-cra-pour") === type);
    });
    var defaut = form.querySelector("input[name='public_defaut']");
    show(form.querySelector("[data-cra-comptes]"), !(type === "individuel" && defaut && defaut.checked));
    show(form.querySelector("[data-cra-duree-autre]"), value("duree") === "autre");
    show(form.querySelector("[data-cra-commune]"), value("type_lieu") !== "a_distance");
    var oriente = form.querySelector("select[name='structure_redirection']");
    if (oriente) { show(oriente.closest(".fr-fieldset__element"), value("oriente") === "oui"); }
  }

  // Commune autocomplete (degrades to a plain postcode / name field if the endpoint is missing).
  var lieu = form.querySelector("input[name='lieu']");
  var code = form.querySelector("input[name='commune_code']");
  var list = document.getElementById("cra-communes");
  var known = {};
  var timer = null;
  if (lieu && code && list) {
    lieu.addEventListener("input", function () {
      if (known[lieu.value]) { code.value = known[lieu.value]; return; }
      code.value = "";
      clearTimeout(timer);
      var q = lieu.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        fetch(form.getAttribute("data-communes-url") + "?q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            (data.results || []).forEach(function (c) {
              var label = c.nom + " (" + (c.codes_postaux[0] || c.departement) + ")";
              known[label] = c.code_insee;
              var option = document.createElement("option");
              option.value = label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* endpoint absent: the server resolves the postcode */ });
      }, 200);
    });
  }

  // Draft: keep what was typed (session expiry, closed tab) until the CRA is saved.
  function save() {
    var data = {};
    new FormData(form).forEach(function (v, k) {
      if (k === "csrfmiddlewaretoken") { return; }
      (data[k] = data[k] || []).push(v);
    });
    try { localStorage.setItem(draftKey, JSON.stringify(data)); } catch (e) { /* quota or private mode */ }
  }
  function restore() {
    if (document.getElementById("cra-erreurs") || /[?&](dupliquer|reprise)=/.test(location.search)) { return; }
    var raw = null;
    try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw);
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || !(el.name in data)) { return; }
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else if (el.type !== "hidden" || el.name === "commune_code") { el.value = values[0]; }
    });
    var notice = document.createElement("p");
    notice.className = "fr-alert fr-alert--info fr-alert--sm fr-mb-2w";
    notice.setAttribute("role", "status");
    notice.textContent = "Votre saisie précédente a été restaurée.";
    form.insertBefore(notice, form.firstChild);
  }
  if (draftKey === "cra-nouveau") { restore(); }
  form.addEventListener("input", save);
  form.addEventListener("change", function () { update(); save(); });
  update();
  var errors = document.getElementById("cra-erreurs");
  if (errors) { errors.focus(); }
})();
