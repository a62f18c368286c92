// Tell the site this editor's time zone, so the admin shows and reads times in it
// (directory/middleware.py, EditorTimezoneMiddleware). Time zone names need no encoding.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || document.cookie.split("; ").indexOf("editor_tz=" + zone) !== -1) {
    return;
  }
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "editor_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" + secure;
  // This page was rendered in the server's zone. If it asks for a date or time, show it again in the
  // editor's, before anything is typed - unless it shows a submitted form's errors, which a reload would lose.
  var asksForTime = document.querySelector("input.vDateField, input.vTimeField");
  var showsErrors = document.querySelector(".errornote, .errorlist");
  if (asksForTime && !showsErrors && document.cookie.indexOf("editor_tz=" + zone) !== -1) {
    window.location.reload();
  }
})();
