// "Copy the code" buttons: copy their text area's code to the clipboard and say so. Without JavaScript (or a
// clipboard), the code stays selectable in its text area.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const code = document.getElementById(button.dataset.copy);
  const status = document.getElementById(`${button.dataset.copy}-status`);
  if (!code || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    code.select();
    navigator.clipboard.writeText(code.value).then(
      () => {
        status.textContent = "Copied. Paste it into your page's HTML.";
      },
      () => {
        status.textContent = "Your browser did not allow copying: the code is selected, copy it with your keyboard.";
      },
    );
  });
});
