// pycert report: the devices grouped by clinic (worst clinic first, as the data comes), with
// their next action; filtered by text, clinic and action. Text is only ever inserted as text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pycert-device-data").textContent);
  var clinics = data.clinics, devices = data.devices, limit = data.limit;
  var tbody = document.querySelector("#pycert-devices tbody");
  var query = document.getElementById("pycert-dq");
  var clinicSel = document.getElementById("pycert-clinic");
  var actionSel = document.getElementById("pycert-action");
  var count = document.getElementById("pycert-dcount");
  var columns = document.querySelectorAll("#pycert-devices thead th").length;
  var words = data.words;
  // Row: [clinic, device, verdict, state, days, action text, action codes, time]
  var searched = [1, 5, 7];

  function matches(r, q, clinic, action) {
    if (clinic !== "" && String(r[0]) !== clinic) return false;
    if (action && (" " + r[6] + " ").indexOf(" " + action + " ") === -1 &&
        !(action === "failed" && /(^| )(store-error|root-unknown)( |$)/.test(r[6]))) return false;
    if (!q) return true;
    if (clinics[r[0]].toLowerCase().indexOf(q) !== -1) return true;
    if ((words.v[r[2]] || r[2]).toLowerCase().indexOf(q) !== -1 || (words.s[r[3]] || r[3]).toLowerCase().indexOf(q) !== -1) return true;
    return searched.some(function (i) { return r[i] !== null && String(r[i]).toLowerCase().indexOf(q) !== -1; });
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function draw() {
    var q = query.value.trim().toLowerCase(), clinic = clinicSel.value, action = actionSel.value;
    var frag = document.createDocumentFragment(), shown = 0, total = 0, group = -1;
    devices.forEach(function (r) {
      if (!matches(r, q, clinic, action)) return;
      total++;
      if (shown >= limit) return;
      if (r[0] !== group) {
        group = r[0];
        var head = document.createElement("tr");
        head.className = "clinic";
        head.dataset.clinic = String(group);
        var th = document.createElement("th");
        th.colSpan = columns;
        th.textContent = clinics[group];
        head.appendChild(th);
        frag.appendChild(head);
      }
      var tr = document.createElement("tr");
      tr.className = "device";
      cell(tr, r[1]);
      cell(tr, words.v[r[2]] || r[2], "v-" + r[2]);
      cell(tr, words.s[r[3]] || r[3]);
      cell(tr, r[4], "num");
      cell(tr, r[5], /(^| )(failed|store-error|root-unknown)( |$)/.test(r[6]) ? "action failed" : "action");
      cell(tr, r[7]);
      frag.appendChild(tr);
      shown++;
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    count.textContent = data.showing.replace("{n}", shown).replace("{total}", total);
  }

  [query, clinicSel, actionSel].forEach(function (el) { el.addEventListener("input", draw); });
  draw();
})();
