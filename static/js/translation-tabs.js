// The admin's language tabs say which translations are missing or stale: each field of a language carries
// data-translation and data-translation-label (set by config.admin.TranslationStatusAdmin, in the page's language).
// The mark is a part of the tab of its own, after the language's name (js/admin-accessible-widgets.js names each
// language in itself), so that the tab reads "Қазақша · missing" whichever of the two scripts comes first. The tabs
// are built by modeltranslation after the page has loaded, so the marks follow each change of the page.
"use strict";
(function () {
  // jQuery UI's tab names the panel it shows; js/admin-accessible-widgets.js takes the tab's address away.
  function tabOf(field) {
    var panel = "tab_" + field.id;
    var item = document.querySelector('.ui-tabs-nav li[aria-controls="' + panel + '"]');
    return item ? item.querySelector("a") : document.querySelector('a[href="#' + panel + '"]');
  }

  function mark() {
    document.querySelectorAll("[data-translation]").forEach(function (field) {
      const tab = tabOf(field);
      if (!tab || tab.querySelector(".translation-mark")) {
        return;
      }
      const note = document.createElement("span");
      note.className = "translation-mark translation-" + field.dataset.translation;
      note.lang = document.documentElement.lang; // the tab's name is in its own language, its state in the page's
      note.textContent = " · " + field.dataset.translationLabel;
      tab.appendChild(note);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    mark();
    new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
  });
})();
