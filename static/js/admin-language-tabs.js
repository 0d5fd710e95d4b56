// The admin's translation tabs and its language switch name each language in itself (Қазақша, 简体中文), as the
// language switcher in the header does, instead of by its code ("kk", "zh-hans").
(function () {
  "use strict";

  function languageNames() {
    var names = {};
    document.querySelectorAll(".language-switcher button[name=language]").forEach(function (button) {
      names[button.value] = button.textContent.trim();
    });
    return names;
  }

  function nameTheTabs() {
    var names = languageNames();
    document.querySelectorAll(".ui-tabs-nav a, #modeltranslation-main-switch option").forEach(function (tab) {
      var code = tab.textContent.trim();
      if (Object.prototype.hasOwnProperty.call(names, code)) {
        tab.textContent = names[code];
        tab.setAttribute("lang", code);
      }
    });
  }

  // The tabs are drawn by another script once the page is ready, and again for each row an inline adds: name
  // them whenever the form changes, at most once a frame.
  var pending = false;
  function soon() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        nameTheTabs();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameTheTabs();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
})();
