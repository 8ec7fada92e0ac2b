/* Behaviour the templates ask for through data attributes. It lives in a file, not inline
   <script> or onclick="", because the Content Security Policy allows scripts from 'self' only. */
(function () {
  "use strict";

  // <button data-print>: print the page (plans, minutes and briefings have print styles).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // <div data-show-for="kind other">: shown only while the select named by the closest
  // [data-show-for-source] container's data-show-for-source has one of those values, or while
  // it holds a field with an error (hiding an error would leave it unexplained).
  document.querySelectorAll("[data-show-for-source]").forEach(function (scope) {
    var select = document.getElementById(scope.getAttribute("data-show-for-source"));
    if (!select) {
      return;
    }
    function update() {
      scope.querySelectorAll("[data-show-for]").forEach(function (box) {
        var kinds = box.getAttribute("data-show-for").split(" ");
        var hasError = box.querySelector(".is-invalid") !== null;
        box.hidden = !(hasError || kinds.indexOf(select.value) !== -1);
      });
    }
    select.addEventListener("change", update);
    update();
  });

  // An error summary ("There is a problem") takes focus on load so screen readers announce it,
  // and its links move focus to the field, not only scroll to it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var id = link.getAttribute("href").slice(1);
      // Radio buttons and checkbox lists have no element with the field's own id: the first
      // choice stands for the group.
      var field = document.getElementById(id) || document.getElementById(id + "_0");
      if (field) {
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView();
        field.focus();
      }
    });
  }
})();
