// The admin's language tabs say which translations are missing or stale: each field of a language carries
// data-translation and data-translation-label (set by config.admin.TranslationStatusAdmin).
"use strict";
window.addEventListener("load", function () {
  document.querySelectorAll("[data-translation]").forEach(function (field) {
    const tab = document.querySelector('a[href="#tab_' + field.id + '"]');
    if (!tab || tab.querySelector(".translation-mark")) {
      return;
    }
    const mark = document.createElement("span");
    mark.className = "translation-mark translation-" + field.dataset.translation;
    mark.textContent = " · " + field.dataset.translationLabel;
    tab.appendChild(mark);
  });
});
