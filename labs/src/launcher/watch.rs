use labs::catalog::Catalog;
pub fn watch(_: &Catalog, _: &str, _: &str, _: &[String]) {}
