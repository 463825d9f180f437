use labs::catalog::Catalog;
pub fn doctor(_: &Catalog, _: bool, _: Option<String>, _: u16) {}
