// The public home: the 市区町村 list shows only the chosen 都道府県's (the page works without this).
const pref = document.getElementById("f-pref");
const city = document.getElementById("f-city");
if (pref && city) {
  const groups = [...city.querySelectorAll("optgroup")];
  const filter = () => {
    for (const g of groups) {
      const show = !pref.value || g.label === pref.value;
      g.hidden = !show;
      g.disabled = !show;
    }
    const chosen = city.selectedOptions[0];
    if (chosen && chosen.parentElement.disabled) city.value = "";
  };
  pref.addEventListener("change", filter);
  city.addEventListener("change", () => {
    const p = city.selectedOptions[0]?.dataset.pref;
    if (p && !pref.value) pref.value = p;
  });
  filter();
}
