"""Models of the rowclone Django client test: what real apps have."""
import uuid

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Owner(models.Model):
    name = models.CharField(max_length=100)


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Place(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    address = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE, null=True, related_name="places")
    tags = models.ManyToManyField(Tag, related_name="places")
    created = models.DateTimeField(auto_now_add=True)
    comments = GenericRelation("Comment")


class Restaurant(Place):  # multi-table inheritance: shop_restaurant.place_ptr_id -> shop_place
    serves_pizza = models.BooleanField(default=False)


class ItalianRestaurant(Restaurant):  # a third level
    has_gelato = models.BooleanField(default=False)


class Menu(models.Model):
    # forward one-to-one from Menu, reverse (restaurant.menu) from Restaurant
    restaurant = models.OneToOneField(Restaurant, on_delete=models.CASCADE, related_name="menu")
    title = models.CharField(max_length=100)


class Category(models.Model):  # a self-referencing tree
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True,
                               related_name="children")


class Document(models.Model):
    # a uuid key whose default lives in Python only: the table has no DEFAULT
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=100)
    # SET_NULL is Django's: the database gets no ON DELETE clause
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True,
                                 related_name="documents")


class Comment(models.Model):  # a generic relation: no foreign key to the commented object
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    body = models.TextField()


class Person(models.Model):
    name = models.CharField(max_length=100)


class Notification(models.Model):
    receiver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
