/* The incident form: add and remove person rows, and, as a person is typed in, ask the search
   API who they probably are. Plain JavaScript served from this site; no libraries. */
"use strict";

(function () {
  var DEBOUNCE_MS = 350;
  var SEARCH_FIELDS = ["forenames", "surname", "dob", "phone", "postcode"];
  var profiles = {};
  var timers = {};
  var latest = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function rowValues(fieldset) {
    var index = fieldset.dataset.person;
    var values = {};
    SEARCH_FIELDS.forEach(function (name) {
      var input = fieldset.querySelector("[name='people-" + index + "-" + name + "']");
      values[name] = input ? input.value.trim() : "";
    });
    return values;
  }

  function worthSearching(v) {
    return v.phone.replace(/\D/g, "").length >= 10 || v.surname.length >= 2 ||
      (v.forenames.length >= 2 && (v.dob || v.postcode));
  }

  function list(items, render) {
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(el("li", { text: render(item) })); });
    return ul;
  }

  function percent(p) { return Math.round((p || 0) * 100) + "%"; }

  function words(text) { return String(text || "").replace(/_/g, " "); }

  // What tells two people of one name apart, side by side in each hit: born, area, last seen.
  function known(hit) {
    var area = hit.area || ((hit.withheld || []).indexOf("area") >= 0 ? "area withheld" : "area not known");
    return "Born " + (hit.dob || "not known") + " · " + area + " · last seen " + (hit.last_seen || "not known");
  }

  function renderHit(hit, who, profile) {
    var box = el("article", { "class": "hit", "data-entity": hit.entity_id });
    box.appendChild(el("span", {
      "class": "score",
      title: percent(hit.probability) + " by the linkage model",
      text: hit.confidence || percent(hit.probability)
    }));
    box.appendChild(el("h3", { text: (hit.label || hit.entity_id) + " (" + hit.entity_id + ")" }));
    box.appendChild(el("p", { "class": "known", text: known(hit) }));
    if (typeof hit.records === "number") {
      box.appendChild(el("p", { "class": "muted", text: "Possible match for " + who + " · " + hit.records + " records" }));
    }
    if (hit.deciding) {
      box.appendChild(el("p", { text: "Deciding: " + hit.deciding }));
    }
    if (hit.evidence && hit.evidence.length) {
      box.appendChild(el("p", { text: "Why:" }));
      box.appendChild(list(hit.evidence.slice(0, 5), function (e) { return e; }));
    }
    if (!profile) { return box; }
    if (profile.summary && profile.summary.length) {
      var strip = el("ul", { "class": "strip", "data-strip": "" });
      profile.summary.forEach(function (item) {
        strip.appendChild(el("li", { "class": item.severity, "data-key": item.key, text: item.text }));
      });
      box.insertBefore(strip, box.children[1] || null);
    }
    var folded = profile.folded_alerts || [];
    if (folded.length) {
      var byKey = {};
      (profile.alerts || []).forEach(function (a) { byKey[a.alert_key] = a; });
      box.appendChild(el("p", { text: "Open alerts, most severe first:" }));
      var ul = el("ul", { "class": "folded" });
      folded.forEach(function (f) {
        var li = el("li", { "class": f.severity });
        li.appendChild(el("span", { "class": "n", text: words(f.rule_id) + (f.count > 1 ? " × " + f.count : "") }));
        var latest = byKey[f.latest];
        if (latest && latest.reason) { li.appendChild(document.createTextNode(": " + latest.reason)); }
        li.appendChild(document.createTextNode(" "));
        f.refs.slice(0, 3).forEach(function (ref, i) {
          if (i) { li.appendChild(document.createTextNode(", ")); }
          li.appendChild(el("a", { href: "/incidents/" + encodeURIComponent(ref), text: ref }));
        });
        if (f.refs.length > 3) { li.appendChild(document.createTextNode(" and " + (f.refs.length - 3) + " more")); }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    var incidents = (profile.timeline || []).filter(function (r) { return r.kind === "incident"; });
    if (incidents.length) {
      box.appendChild(el("p", { text: incidents.length + " linked incidents; latest:" }));
      var latestList = el("ul");
      incidents.slice(0, 5).forEach(function (r) {
        var li = el("li");
        li.appendChild(el("a", { href: "/incidents/" + encodeURIComponent(r.ref), text: r.ref }));
        li.appendChild(document.createTextNode(" · " + String(r.when || "").slice(0, 10) + " · " + r.title));
        latestList.appendChild(li);
      });
      box.appendChild(latestList);
    }
    return box;
  }

  function profileOf(entityId, purpose) {
    if (!profiles[entityId]) {
      profiles[entityId] = fetch("/api/people/" + encodeURIComponent(entityId), {
        headers: { "Accept": "application/json", "X-Purpose": purpose },
        credentials: "same-origin"
      }).then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }
    return profiles[entityId];
  }

  function show(index, who, hits, error, profile) {
    var results = document.getElementById("who-results");
    var empty = document.querySelector("#who-panel [data-empty]");
    var section = document.getElementById("who-" + index);
    if (!section) {
      section = el("section", { id: "who-" + index, "class": "who-person" });
      results.appendChild(section);
    }
    section.textContent = "";
    section.appendChild(el("h3", { text: who }));
    if (error) {
      section.appendChild(el("p", { "class": "muted", text: error }));
    } else if (!hits.length) {
      section.appendChild(el("p", { "class": "muted", text: "No one known matches yet." }));
    } else {
      hits.slice(0, 3).forEach(function (hit, i) {
        section.appendChild(renderHit(hit, who, i === 0 ? profile : null));
      });
    }
    if (empty) { empty.hidden = results.children.length > 0; }
  }

  function search(fieldset) {
    var index = fieldset.dataset.person;
    var v = rowValues(fieldset);
    if (!worthSearching(v)) { return; }
    var role = fieldset.querySelector("[name='people-" + index + "-role']");
    var who = ((v.forenames + " " + v.surname).trim() || v.phone || "Person") +
      (role && role.value ? " (" + role.value.replace(/_/g, " ") + ")" : "");
    var params = new URLSearchParams();
    Object.keys(v).forEach(function (name) { if (v[name]) { params.set(name, v[name]); } });
    var uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v.dob);
    if (uk) { params.set("dob", uk[3] + "-" + ("0" + uk[2]).slice(-2) + "-" + ("0" + uk[1]).slice(-2)); }
    params.set("limit", "3");
    var form = document.getElementById("incident-form");
    var purpose = "call in progress: incident " + form.elements.ref.value;
    var ticket = (latest[index] || 0) + 1;
    latest[index] = ticket;
    fetch("/api/people/search?" + params.toString(), {
      headers: { "Accept": "application/json", "X-Purpose": purpose },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (latest[index] !== ticket) { return null; }
      if (!result.ok) {
        show(index, who, [], (result.body.error && result.body.error.message) || "Search failed.");
        return null;
      }
      var hits = result.body.hits || [];
      show(index, who, hits, null, null);
      if (!hits.length) { return null; }
      return profileOf(hits[0].entity_id, purpose).then(function (profile) {
        if (latest[index] === ticket && profile) { show(index, who, hits, null, profile); }
      });
    }).catch(function () { show(index, who, [], "Could not reach the search."); });
  }

  function schedule(fieldset) {
    var index = fieldset.dataset.person;
    clearTimeout(timers[index]);
    timers[index] = setTimeout(function () { search(fieldset); }, DEBOUNCE_MS);
  }

  function renumber() {
    document.querySelectorAll("#people fieldset.person").forEach(function (fieldset, i) {
      var number = fieldset.querySelector("[data-number]");
      if (number) { number.textContent = String(i + 1); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var people = document.getElementById("people");
    var template = document.getElementById("person-template");
    var add = document.getElementById("add-person");
    if (!people || !template) { return; }
    var next = people.querySelectorAll("fieldset.person").length;

    add.addEventListener("click", function () {
      var html = template.innerHTML.replace(/__i__/g, String(next));
      next += 1;
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fieldset = holder.querySelector("fieldset");
      people.appendChild(fieldset);
      renumber();
      var first = fieldset.querySelector("select, input");
      if (first) { first.focus(); }
    });

    people.addEventListener("click", function (event) {
      if (!event.target.matches("[data-remove-person]")) { return; }
      var fieldset = event.target.closest("fieldset.person");
      var section = document.getElementById("who-" + fieldset.dataset.person);
      if (section) { section.remove(); }
      fieldset.remove();
      renumber();
      add.focus();
    });

    ["input", "change"].forEach(function (type) {
      people.addEventListener(type, function (event) {
        if (event.target.matches("[data-search]")) { schedule(event.target.closest("fieldset.person")); }
      });
    });
    people.addEventListener("blur", function (event) {
      if (event.target.matches("[data-search]")) {
        var fieldset = event.target.closest("fieldset.person");
        clearTimeout(timers[fieldset.dataset.person]);
        search(fieldset);
      }
    }, true);
  });
}());
