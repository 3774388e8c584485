// The interview form's confirm dialog (選択された内容を適用します。よろしいですか？ 適用する / キャンセル).
// Without JavaScript, or without <dialog>, the form is sent directly.
const form = document.getElementById("interview-form");
const dialog = document.getElementById("confirm");
if (form && dialog && typeof dialog.showModal === "function") {
  let confirmed = false;
  form.addEventListener("submit", (e) => {
    if (confirmed) return;
    e.preventDefault();
    const child = form.querySelector("select[name=child]");
    const slot = form.querySelector("input[name=slot]:checked");
    const detail = document.getElementById("confirm-detail");
    const childName = child?.selectedOptions[0]?.value ? child.selectedOptions[0].textContent : "（未選択）";
    const slotLabel = slot ? form.querySelector(`label[for="${slot.id}"]`).textContent : "（未選択）";
    detail.textContent = `お子さま：${childName}　初回面談のご希望日：${slotLabel}`;
    dialog.showModal();
  });
  dialog.querySelector("[data-apply]").addEventListener("click", () => {
    confirmed = true;
    dialog.close();
    form.requestSubmit();
  });
  dialog.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
}
