// The admin's export page (templates/admin/import_export/export.html): "Select all" ticks or clears every column.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector('input.select-toggle[name="select-all-toggle"]');
  if (!toggle) return;
  toggle.addEventListener("change", () => {
    document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]').forEach((checkbox) => {
      checkbox.checked = toggle.checked;
    });
  });
});
