print("guest tests")
