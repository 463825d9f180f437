use labs::catalog::Catalog;
pub fn compare(_: &Catalog, _: &str, _: &[String], _: bool, _: Option<usize>, _: &[String]) {}
