use labs::catalog::Catalog;
pub fn run(_: &Catalog) -> ! {
    std::process::exit(0)
}
