//! A map from day numbers to boxed values, indexed directly: a facility's booked days sit in a short
//! contiguous range, so a lookup is one subtraction and one load (no hashing, no probing).
//!
//! Memory is one pointer per day between the first and the last day used (a booking 100 years away
//! costs about 290 KB for that facility, once).

use crate::clock::Jd;

#[derive(Clone)]
pub(crate) struct DayMap<T> {
    base: Jd,
    slots: Vec<Option<Box<T>>>,
    len: usize,
}

impl<T> Default for DayMap<T> {
    fn default() -> Self {
        DayMap { base: 0, slots: Vec::new(), len: 0 }
    }
}

impl<T> DayMap<T> {
    fn index(&self, day: Jd) -> Option<usize> {
        let i = i64::from(day) - i64::from(self.base);
        (0..self.slots.len() as i64).contains(&i).then_some(i as usize)
    }

    /// The value of a day.
    #[inline]
    pub(crate) fn get(&self, day: Jd) -> Option<&T> {
        self.index(day).and_then(|i| self.slots[i].as_deref())
    }

    /// The value of a day, to change.
    #[inline]
    pub(crate) fn get_mut(&mut self, day: Jd) -> Option<&mut T> {
        self.index(day).and_then(|i| self.slots[i].as_deref_mut())
    }

    /// The value of a day, made by `make` when there is none.
    pub(crate) fn get_or_insert_with(&mut self, day: Jd, make: impl FnOnce() -> T) -> &mut T {
        let i = self.make_room(day);
        let slot = &mut self.slots[i];
        if slot.is_none() {
            *slot = Some(Box::new(make()));
            self.len += 1;
        }
        slot.as_deref_mut().expect("just filled")
    }

    /// Sets the value of a day.
    pub(crate) fn insert(&mut self, day: Jd, value: T) {
        let i = self.make_room(day);
        if self.slots[i].replace(Box::new(value)).is_none() {
            self.len += 1;
        }
    }

    /// The days with a value, in order.
    pub(crate) fn days(&self) -> impl Iterator<Item = Jd> + '_ {
        self.iter().map(|(d, _)| d)
    }

    /// The days with their values, in order of day.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Jd, &T)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_deref().map(|v| (self.base + i as Jd, v)))
    }

    /// How many days have a value.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The index of `day`, growing the range to hold it.
    fn make_room(&mut self, day: Jd) -> usize {
        if self.slots.is_empty() {
            self.base = day;
            self.slots.push(None);
            return 0;
        }
        if day < self.base {
            let extra = (self.base - day) as usize;
            self.slots.splice(0..0, std::iter::repeat_with(|| None).take(extra));
            self.base = day;
            return 0;
        }
        let i = (day - self.base) as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::DayMap;

    #[test]
    fn grows_both_ways_and_iterates_in_order() {
        let mut m: DayMap<u32> = DayMap::default();
        assert!(m.get(5).is_none());
        m.insert(10, 1);
        m.insert(7, 2);
        *m.get_or_insert_with(12, || 0) += 3;
        *m.get_or_insert_with(10, || 0) += 10;
        m.insert(-3, 4);
        assert_eq!(m.len(), 4);
        assert_eq!(m.iter().map(|(d, v)| (d, *v)).collect::<Vec<_>>(), vec![(-3, 4), (7, 2), (10, 11), (12, 3)]);
        assert_eq!(m.days().collect::<Vec<_>>(), vec![-3, 7, 10, 12]);
        assert_eq!(m.get(11), None);
        assert_eq!(m.get(13), None);
        assert_eq!(m.get(-4), None);
        *m.get_mut(7).unwrap() = 9;
        assert_eq!(m.get(7), Some(&9));
        m.insert(7, 1);
        assert_eq!(m.len(), 4);
    }
}
