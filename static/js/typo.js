// "Found a typo? Select it and press Ctrl+Enter": a small dialog sends the selection to the office.
(function () {
  "use strict";
  var dialog = document.getElementById("typo-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("form");
  var quote = dialog.querySelector("[data-typo-selection]");
  var status = dialog.querySelector("[data-typo-status]");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter" || dialog.open) return;
    var selection = window.getSelection();
    var text = selection ? selection.toString().trim() : "";
    if (!text) return;
    event.preventDefault();
    var around = selection.anchorNode && selection.anchorNode.parentElement
      ? selection.anchorNode.parentElement.textContent.replace(/\s+/g, " ").trim().slice(0, 1000) : "";
    form.elements.selection.value = text.slice(0, 500);
    form.elements.context.value = around;
    form.elements.url.value = window.location.pathname + window.location.search;
    form.elements.comment.value = "";
    quote.textContent = text.slice(0, 500);
    status.textContent = "";
    form.hidden = false;
    dialog.showModal();
    form.elements.comment.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        status.textContent = data.message || data.error;
        if (response.ok) {
          form.hidden = true;
          dialog.querySelector("[data-typo-close]").focus();  // the Send button is gone: keep the reader's place
        }
      });
    }).catch(function () {
      status.textContent = dialog.getAttribute("data-error");
    });
  });

  dialog.querySelector("[data-typo-close]").addEventListener("click", function () { dialog.close(); });
})();
