/* Loaded in <head>, before the body is painted: marks the page as scripted so CSS can hide the
   no-JS fallbacks without a flash. A file, not an inline script: the CSP allows none. */
document.documentElement.className = "js";
