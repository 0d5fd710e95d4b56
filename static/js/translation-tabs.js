// The admin's language tabs say which translations are missing or stale: each field of a language carries
// data-translation and data-translation-label (set by config.admin.TranslationStatusAdmin). The tabs are built
// by modeltranslation after the page has loaded, so the marks follow each change of the page.
"use strict";
(function () {
  function mark() {
    document.querySelectorAll("[data-translation]").forEach(function (field) {
      const tab = document.querySelector('a[href="#tab_' + field.id + '"]');
      if (!tab || tab.querySelector(".translation-mark")) {
        return;
      }
      const note = document.createElement("span");
      note.className = "translation-mark translation-" + field.dataset.translation;
      note.textContent = " · " + field.dataset.translationLabel;
      tab.appendChild(note);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    mark();
    new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
  });
})();
