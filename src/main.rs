fn main() {
    confidant_web::start();
}
