// "My exports": updates the progress of the exports still being written, and reloads the page when one of them
// is finished, so that its download link (or its error) shows.
(function () {
  "use strict";
  var table = document.getElementById("export-list");
  if (!table) {
    return;
  }
  var rows = table.querySelectorAll("tr[data-export]");
  if (!rows.length) {
    return;
  }
  var query = Array.prototype.map.call(rows, function (row) {
    return "id=" + encodeURIComponent(row.getAttribute("data-export"));
  }).join("&");

  function update(data) {
    var finished = false;
    data.jobs.forEach(function (job) {
      var row = document.getElementById("export-" + job.id);
      if (!row) {
        return;
      }
      row.querySelector("progress").value = job.percent;
      row.querySelector("progress").textContent = job.percent + "%";
      row.querySelector(".export-percent").textContent = job.percent + "%";
      var state = row.querySelector(".export-state");
      if (state.textContent !== job.label) {
        state.textContent = job.label;
      }
      finished = finished || job.finished;
    });
    if (finished) {
      window.location.reload();
    } else {
      window.setTimeout(poll, 2000);
    }
  }

  function poll() {
    fetch(table.getAttribute("data-status-url") + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(update)
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  window.setTimeout(poll, 1000);
})();
