// The print button of the report and the survey flyer: the browser's own print dialog, where
// "PDF に保存" makes the A4 PDF.
document.querySelectorAll('[data-print]').forEach((button) => {
  button.addEventListener('click', () => window.print());
});
