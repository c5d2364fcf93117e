// pycert report: sort, filter and draw the device/certificate table from the embedded data.
// No network, no libraries; data is only ever inserted as text (never as HTML).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pycert-data").textContent);
  var cols = data.columns, rows = data.rows, words = data.words, limit = data.limit;
  var idx = {};
  cols.forEach(function (c, i) { idx[c] = i; });
  var numeric = { days_left: true };
  var sortKey = "days_left", sortDir = 1;
  var tbody = document.querySelector("#pycert-table tbody");
  var query = document.getElementById("pycert-q");
  var verdictSel = document.getElementById("pycert-verdict");
  var stateSel = document.getElementById("pycert-state");
  var count = document.getElementById("pycert-count");

  function empty(v) { return v === null || v === undefined || v === ""; }

  function compare(a, b) {
    var x = a[idx[sortKey]], y = b[idx[sortKey]];
    if (empty(x) && empty(y)) return 0;
    if (empty(x)) return 1;  // unknown values last in both directions
    if (empty(y)) return -1;
    if (!numeric[sortKey]) { x = String(x).toLowerCase(); y = String(y).toLowerCase(); }
    return x < y ? -sortDir : x > y ? sortDir : 0;
  }

  function matches(row, q, verdict, state) {
    if (verdict && row[idx.verdict] !== verdict) return false;
    if (state && row[idx.state] !== state) return false;
    if (!q) return true;
    for (var i = 0; i < row.length; i++) {
      if (!empty(row[i]) && String(row[i]).toLowerCase().indexOf(q) !== -1) return true;
    }
    return false;
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = empty(text) ? "" : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function draw() {
    var q = query.value.trim().toLowerCase(), verdict = verdictSel.value, state = stateSel.value;
    var shown = rows.filter(function (r) { return matches(r, q, verdict, state); });
    shown.sort(compare);
    var frag = document.createDocumentFragment();
    shown.slice(0, limit).forEach(function (r) {
      var tr = document.createElement("tr");
      cols.forEach(function (c) {
        var v = r[idx[c]];
        if (c === "verdict") cell(tr, words.v[v] || v, "v-" + v);
        else if (c === "state") cell(tr, words.s[v] || v, "st-" + v);
        else if (c === "days_left") cell(tr, v, "num");
        else if (c === "thumbprint") cell(tr, v, "mono");
        else cell(tr, v);
      });
      frag.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    count.textContent = data.showing.replace("{n}", Math.min(limit, shown.length)).replace("{total}", shown.length);
    document.querySelectorAll("#pycert-table th").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.key === sortKey ? (sortDir > 0 ? "ascending" : "descending") : "none");
    });
  }

  document.querySelectorAll("#pycert-table th").forEach(function (th) {
    th.addEventListener("click", function () {
      if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = 1; }
      draw();
    });
  });
  [query, verdictSel, stateSel].forEach(function (el) { el.addEventListener("input", draw); });
  draw();
})();
