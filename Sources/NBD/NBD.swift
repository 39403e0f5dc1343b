// NBD module.
