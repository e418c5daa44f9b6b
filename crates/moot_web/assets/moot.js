// A little progressive enhancement; every page works without it.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to a form's error summary so screen readers announce it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
