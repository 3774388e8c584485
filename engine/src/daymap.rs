//! A map from day numbers to boxed values, indexed directly: a facility's booked days sit in a short
//! contiguous range, so a lookup is one subtraction and one load (no hashing, no probing).
//!
//! The directly indexed range is at most `MAX_SPAN` days (one pointer each); a day that would stretch
//! it further (a restored booking decades away) is kept in a small sorted list instead, so that a few
//! far-flung dates cannot cost memory or time in proportion to their distance.

use crate::clock::Jd;

/// The longest directly indexed range: about eleven years.
const MAX_SPAN: i64 = 4096;

#[derive(Clone)]
pub(crate) struct DayMap<T> {
    base: Jd,
    slots: Vec<Option<Box<T>>>,
    /// Days outside the range, sorted.
    far: Vec<(Jd, Box<T>)>,
    len: usize,
}

impl<T> Default for DayMap<T> {
    fn default() -> Self {
        DayMap { base: 0, slots: Vec::new(), far: Vec::new(), len: 0 }
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
        match self.index(day) {
            Some(i) => self.slots[i].as_deref(),
            None if self.far.is_empty() => None,
            None => self.far_at(day).ok().map(|i| &*self.far[i].1),
        }
    }

    /// The value of a day, to change.
    #[inline]
    pub(crate) fn get_mut(&mut self, day: Jd) -> Option<&mut T> {
        match self.index(day) {
            Some(i) => self.slots[i].as_deref_mut(),
            None => self.far_at(day).ok().map(|i| &mut *self.far[i].1),
        }
    }

    /// The value of a day, made by `make` when there is none.
    pub(crate) fn get_or_insert_with(&mut self, day: Jd, make: impl FnOnce() -> T) -> &mut T {
        let Some(i) = self.make_room(day) else {
            let at = self.far_at(day).unwrap_or_else(|at| {
                self.far.insert(at, (day, Box::new(make())));
                self.len += 1;
                at
            });
            return &mut self.far[at].1;
        };
        let slot = &mut self.slots[i];
        if slot.is_none() {
            *slot = Some(Box::new(make()));
            self.len += 1;
        }
        slot.as_deref_mut().expect("just filled")
    }

    /// Sets the value of a day.
    pub(crate) fn insert(&mut self, day: Jd, value: T) {
        match self.make_room(day) {
            Some(i) => {
                if self.slots[i].replace(Box::new(value)).is_none() {
                    self.len += 1;
                }
            }
            None => match self.far_at(day) {
                Ok(at) => *self.far[at].1 = value,
                Err(at) => {
                    self.far.insert(at, (day, Box::new(value)));
                    self.len += 1;
                }
            },
        }
    }

    /// The days with a value, in order.
    pub(crate) fn days(&self) -> impl Iterator<Item = Jd> + '_ {
        self.iter().map(|(d, _)| d)
    }

    /// The days with their values, in order of day.
    pub(crate) fn iter<'a>(&'a self) -> impl Iterator<Item = (Jd, &'a T)> + 'a {
        let near = self.slots.iter().enumerate().filter_map(|(i, s)| s.as_deref().map(|v| (self.base + i as Jd, v)));
        let split = self.far.partition_point(|(d, _)| *d < self.base);
        let (before, after) = self.far.split_at(split);
        let far = |(d, v): &'a (Jd, Box<T>)| (*d, &**v);
        before.iter().map(far).chain(near).chain(after.iter().map(far))
    }

    /// How many days have a value.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Where `day` is (`Ok`) or would go (`Err`) in the far list.
    fn far_at(&self, day: Jd) -> Result<usize, usize> {
        self.far.binary_search_by_key(&day, |(d, _)| *d)
    }

    /// The index of `day`, growing the range to hold it; `None` when that would make the range
    /// longer than `MAX_SPAN` (the day then lives in `far`).
    fn make_room(&mut self, day: Jd) -> Option<usize> {
        if self.slots.is_empty() {
            self.base = day;
            self.slots.push(None);
            return Some(0);
        }
        let end = i64::from(self.base) + self.slots.len() as i64;
        let (lo, hi) = (i64::from(day).min(i64::from(self.base)), (i64::from(day) + 1).max(end));
        if hi - lo > MAX_SPAN {
            return self.index(day);
        }
        if day < self.base {
            let extra = (self.base - day) as usize;
            let mut slots = Vec::with_capacity(extra + self.slots.len());
            slots.resize_with(extra, || None);
            slots.append(&mut self.slots);
            self.slots = slots;
            self.base = day;
            return Some(0);
        }
        let i = (day - self.base) as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        Some(i)
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

    #[test]
    fn far_days_do_not_stretch_the_range() {
        let mut m: DayMap<u32> = DayMap::default();
        m.insert(1_000_000, 1);
        m.insert(1_000_010, 2);
        m.insert(3_000_000, 3); // far after
        m.insert(-5, 4); // far before
        *m.get_or_insert_with(3_000_000, || 0) += 10;
        *m.get_or_insert_with(2_999_999, || 7) += 0;
        assert!(m.slots.len() <= super::MAX_SPAN as usize);
        assert_eq!(m.len(), 5);
        assert_eq!(m.get(3_000_000), Some(&13));
        assert_eq!(m.get(-5), Some(&4));
        *m.get_mut(-5).unwrap() = 5;
        assert_eq!(
            m.iter().map(|(d, v)| (d, *v)).collect::<Vec<_>>(),
            vec![(-5, 5), (1_000_000, 1), (1_000_010, 2), (2_999_999, 7), (3_000_000, 13)]
        );
        assert_eq!(m.get(1_000_005), None);
        assert_eq!(m.get(4), None);
    }
}
