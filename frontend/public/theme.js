// Applies the stored Trellis theme before first paint (see frontend/src/components/theme.rs).
(function () {
  try {
    var t = localStorage.getItem("trellis-theme");
    if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage unavailable: follow the system theme */ }
})();
